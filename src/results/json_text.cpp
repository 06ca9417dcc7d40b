// The pretty-printer of every JSON apbench writes (json_text.hpp).
#include "results/json_text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <ostream>
#include <string>

namespace apb::results_detail {
namespace {

namespace json = boost::json;

// Shortest text that reads back as the same double, always with a '.' or an
// exponent so readers keep it a floating-point number.
std::string double_text(double value) {
  if (!std::isfinite(value)) return "null";
  std::string s = fmt::format("{}", value);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return s;
}

// Two-space indented output, one key or element per line (after the
// Boost.JSON "pretty_print" example), so result files diff well.
void pretty_print(std::ostream& out, const json::value& jv,
                  std::string& indent) {
  switch (jv.kind()) {
    case json::kind::object: {
      const auto& obj = jv.get_object();
      if (obj.empty()) {
        out << "{}";
        break;
      }
      out << "{\n";
      indent.append(2, ' ');
      for (auto it = obj.begin(); it != obj.end(); ++it) {
        if (it != obj.begin()) out << ",\n";
        out << indent << json::serialize(json::string(it->key())) << ": ";
        pretty_print(out, it->value(), indent);
      }
      out << '\n';
      indent.resize(indent.size() - 2);
      out << indent << '}';
      break;
    }
    case json::kind::array: {
      const auto& arr = jv.get_array();
      if (arr.empty()) {
        out << "[]";
        break;
      }
      // Integers only (a histogram's buckets): one line, not one per value.
      if (std::all_of(arr.begin(), arr.end(),
                      [](const json::value& v) { return v.is_uint64(); })) {
        out << '[';
        for (auto it = arr.begin(); it != arr.end(); ++it)
          out << (it == arr.begin() ? "" : ", ") << it->get_uint64();
        out << ']';
        break;
      }
      out << "[\n";
      indent.append(2, ' ');
      for (auto it = arr.begin(); it != arr.end(); ++it) {
        if (it != arr.begin()) out << ",\n";
        out << indent;
        pretty_print(out, *it, indent);
      }
      out << '\n';
      indent.resize(indent.size() - 2);
      out << indent << ']';
      break;
    }
    case json::kind::string:
      out << json::serialize(jv.get_string());
      break;
    case json::kind::uint64:
      out << jv.get_uint64();
      break;
    case json::kind::int64:
      out << jv.get_int64();
      break;
    case json::kind::double_:
      out << double_text(jv.get_double());
      break;
    case json::kind::bool_:
      out << (jv.get_bool() ? "true" : "false");
      break;
    case json::kind::null:
      out << "null";
      break;
  }
}

}  // namespace

void write_pretty_json(std::ostream& out, const boost::json::value& value) {
  std::string indent;
  pretty_print(out, value, indent);
  out << '\n';
}

}  // namespace apb::results_detail
