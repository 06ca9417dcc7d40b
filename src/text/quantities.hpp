#pragma once
// Wording of the quantities findings, advice and tables share, so analysis
// and reporters say the same numbers in the same words.
#include <string>

namespace apb {

std::string format_percent(double fraction);  // "12.3 %"; "-": not finite
// A share of failed ops: like format_percent, but a share above 0 never
// reads "0.0 %" (below 0.1 % it keeps two significant digits: "0.04 %").
std::string format_error_rate(double fraction);
std::string format_ops_rate(double per_second);  // "12.35 kops/s"

}  // namespace apb
