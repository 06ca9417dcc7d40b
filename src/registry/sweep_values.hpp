#pragma once
// A parameter swept from the command line: --set work=1ms,2ms,4ms (a list)
// or --set work=1ms..64ms[:N] (N log-spaced points, 10 by default), in the
// parameter's own units.
#include <string>
#include <string_view>
#include <vector>

#include "apbench/params.hpp"

namespace apb {

// The values `text` gives the parameter `spec`: one value (no list), the
// values of a comma list, or a log-spaced range of a duration, size or
// number parameter. Numbers come out ascending without duplicates, choices
// in the order given; each value is one the parameter accepts. A text
// parameter takes `text` whole (a URL may hold a comma). Throws UsageError,
// one line naming the parameter, what was wrong and the accepted forms.
std::vector<std::string> sweep_values(const ParamSpec& spec,
                                      std::string_view text);

}  // namespace apb
