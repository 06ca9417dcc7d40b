#pragma once
// JSON text as apbench writes it, shared by every JSON it writes (the
// results file, json_write.cpp; --gbench-json and compare's JSON in
// report/): Boost.JSON values, printed two-space indented, one key or
// element per line, doubles in their shortest exact form.
#include <boost/json/value.hpp>
#include <iosfwd>

namespace apb::results_detail {

// `value` and a final newline.
void write_pretty_json(std::ostream& out, const boost::json::value& value);

}  // namespace apb::results_detail
