// Boost.JSON's compilation unit (its header-only mode): the library is
// compiled here once; every other file includes <boost/json.hpp> and links
// against this. src.hpp must see no other Boost.JSON header before it.
#include <boost/json/src.hpp>
