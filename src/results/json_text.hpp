#pragma once
// JSON text as apbench writes it, shared by every JSON it writes (the
// results file, json_write.cpp; --gbench-json and compare's JSON in
// report/): Boost.JSON values, printed two-space indented, one key or
// element per line, doubles in their shortest exact form.
#include <boost/json/value.hpp>
#include <cmath>
#include <iosfwd>
#include <optional>

namespace apb::results_detail {

// `value` and a final newline.
void write_pretty_json(std::ostream& out, const boost::json::value& value);

// A finite number as a number; infinity, NaN or none as null.
inline boost::json::value json_number(double value) {
  if (!std::isfinite(value)) return nullptr;
  return value;
}
inline boost::json::value json_number(const std::optional<double>& value) {
  return value ? json_number(*value) : boost::json::value(nullptr);
}

}  // namespace apb::results_detail
