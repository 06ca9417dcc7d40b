#pragma once
// Wording of the quantities findings, advice and tables share, so analysis
// and reporters say the same numbers in the same words.
#include <string>

namespace apb {

std::string format_percent(double fraction);     // "12.3 %"; "-": not finite
std::string format_ops_rate(double per_second);  // "12.35 kops/s"

}  // namespace apb
