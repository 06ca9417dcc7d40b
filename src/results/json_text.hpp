#pragma once
// JSON text as apbench writes it, shared by the JSON reporters (json.cpp,
// gbench_json.cpp): Boost.JSON values, printed two-space indented, one key
// or element per line, doubles in their shortest exact form.
#include <boost/json/value.hpp>
#include <iosfwd>

namespace apb::report_detail {

// `value` and a final newline.
void write_pretty_json(std::ostream& out, const boost::json::value& value);

}  // namespace apb::report_detail
