// Declared workload parameters and their values (see apbench/params.hpp).
//
// Integer parameters are counts: parse_integer is called without
// allow_negative, so negative values are rejected.
#include "apbench/params.hpp"

#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apbench/error.hpp"
#include "apbench/units.hpp"
#include "text/names.hpp"

namespace apb {
namespace {

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += sep;
    out += items[i];
  }
  return out;
}

std::string quoted(std::string_view s) {
  std::string out = "'";
  out += s;
  out += "'";
  return out;
}

// The part of a units.cpp message after "bad <kind> '<text>': ", i.e. the
// reason and accepted forms; the whole message if it has another shape.
std::string detail_of(const UsageError& e, std::string_view value) {
  const std::string_view msg = e.what();
  const std::string marker = quoted(value) + ": ";
  if (msg.substr(0, 4) == "bad ") {
    const auto pos = msg.find(marker);
    if (pos != std::string_view::npos) {
      return std::string(msg.substr(pos + marker.size()));
    }
  }
  return std::string(msg);
}

// Throws UsageError when `value` is not valid for `spec`.
void validate(const ParamSpec& spec, std::string_view value) {
  const std::string prefix =
      "bad value " + quoted(value) + " for parameter " + quoted(spec.name);
  try {
    switch (spec.type) {
      case ParamType::duration:
        parse_duration(value);
        return;
      case ParamType::bytes:
        parse_bytes(value);
        return;
      case ParamType::integer:
        parse_integer(value);
        return;
      case ParamType::real:
        parse_real(value);
        return;
      case ParamType::text:
        return;
      case ParamType::choice:
        break;
    }
  } catch (const UsageError& e) {
    throw UsageError(prefix + ": " + detail_of(e, value));
  }
  for (const auto& c : spec.choices) {
    if (c == value) return;
  }
  std::string msg = prefix;
  const std::string near = nearest_name(value, spec.choices);
  if (!near.empty()) msg += " (did you mean " + quoted(near) + "?)";
  msg += ": expected one of " + join(spec.choices, ", ");
  throw UsageError(msg);
}

const char* type_name(ParamType t) {
  switch (t) {
    case ParamType::duration:
      return "duration";
    case ParamType::bytes:
      return "bytes";
    case ParamType::integer:
      return "integer";
    case ParamType::real:
      return "real";
    case ParamType::choice:
      return "choice";
    case ParamType::text:
      return "text";
  }
  return "?";
}

}  // namespace

std::string ParamSpec::unit() const {
  switch (type) {
    case ParamType::duration:
      return "time";
    case ParamType::bytes:
      return "bytes";
    case ParamType::integer:
      return "count";
    case ParamType::real:
      return "number";
    case ParamType::choice:
      return "one of " + join(choices, "|");
    case ParamType::text:
      return "text";
  }
  return "text";
}

Params::Params(std::vector<ParamSpec> specs) : specs_(std::move(specs)) {
  std::set<std::string, std::less<>> seen;
  for (const auto& s : specs_) {
    if (s.name.empty()) throw std::logic_error("parameter with an empty name");
    if (!seen.insert(s.name).second) {
      throw std::logic_error("parameter " + quoted(s.name) + " declared twice");
    }
    if (s.type == ParamType::choice && s.choices.empty()) {
      throw std::logic_error("choice parameter " + quoted(s.name) +
                             " has no choices");
    }
    try {
      validate(s, s.default_value);
    } catch (const UsageError& e) {
      throw std::logic_error("bad default for parameter " + quoted(s.name) +
                             ": " + e.what());
    }
    values_.emplace(s.name, s.default_value);
  }
}

bool Params::has(std::string_view name) const {
  return values_.find(name) != values_.end();
}

void Params::set(std::string_view name, std::string_view value) {
  auto it = values_.find(name);
  if (it == values_.end()) {
    std::vector<std::string> names;
    names.reserve(specs_.size());
    for (const auto& s : specs_) names.push_back(s.name);
    throw UsageError(unknown_name_message("parameter", name, names));
  }
  validate(spec(name), value);
  it->second = std::string(value);
}

const ParamSpec& Params::spec(std::string_view name) const {
  for (const auto& s : specs_) {
    if (s.name == name) return s;
  }
  throw std::logic_error("undeclared parameter " + quoted(name));
}

namespace {

// The stored text of a declared parameter of type `want` (or either of the
// two types for text()); std::logic_error on a type mismatch.
const std::string& checked(
    const std::map<std::string, std::string, std::less<>>& values,
    const ParamSpec& spec, ParamType want, ParamType also) {
  if (spec.type != want && spec.type != also) {
    throw std::logic_error("parameter " + quoted(spec.name) + " has type " +
                           type_name(spec.type) + ", not " + type_name(want));
  }
  return values.find(spec.name)->second;
}

}  // namespace

std::chrono::nanoseconds Params::duration(std::string_view name) const {
  return parse_duration(
      checked(values_, spec(name), ParamType::duration, ParamType::duration));
}

std::uint64_t Params::bytes(std::string_view name) const {
  return parse_bytes(
      checked(values_, spec(name), ParamType::bytes, ParamType::bytes));
}

std::int64_t Params::integer(std::string_view name) const {
  return parse_integer(
      checked(values_, spec(name), ParamType::integer, ParamType::integer));
}

double Params::real(std::string_view name) const {
  return parse_real(
      checked(values_, spec(name), ParamType::real, ParamType::real));
}

const std::string& Params::text(std::string_view name) const {
  return checked(values_, spec(name), ParamType::text, ParamType::choice);
}

std::vector<std::pair<std::string, std::string>> Params::values() const {
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(specs_.size());
  for (const auto& s : specs_) out.emplace_back(s.name, values_.at(s.name));
  return out;
}

}  // namespace apb
