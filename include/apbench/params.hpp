#pragma once
// Declared workload parameters and their resolved values.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace apb {

enum class ParamType { duration, bytes, integer, real, choice, text };

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::text;
  std::string default_value;         // in the same syntax a user types
  std::string help;                  // one line
  std::vector<std::string> choices;  // for ParamType::choice

  // Unit shown in --list and reports: "time", "bytes", "count", ...
  std::string unit() const;
};

// Parameter values for one run, validated against the specs. Values are
// kept as canonical text (what the user typed, checked) and parsed on read.
class Params {
 public:
  Params() = default;
  explicit Params(std::vector<ParamSpec> specs);  // all defaults

  bool has(std::string_view name) const;
  // Validates the value for the parameter's type; throws UsageError naming
  // the parameter, the bad value and the accepted forms (or the nearest
  // parameter name when the name is unknown).
  void set(std::string_view name, std::string_view value);

  std::chrono::nanoseconds duration(std::string_view name) const;
  std::uint64_t bytes(std::string_view name) const;
  std::int64_t integer(std::string_view name) const;
  double real(std::string_view name) const;
  const std::string& text(std::string_view name) const;  // choice or text

  const std::vector<ParamSpec>& specs() const { return specs_; }
  // (name, value text) in declaration order.
  std::vector<std::pair<std::string, std::string>> values() const;

 private:
  const ParamSpec& spec(std::string_view name) const;
  std::vector<ParamSpec> specs_;
  std::map<std::string, std::string, std::less<>> values_;
};

}  // namespace apb
