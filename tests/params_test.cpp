#include "apbench/params.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "apbench/error.hpp"

namespace {

using namespace std::chrono_literals;
using apb::ParamSpec;
using apb::ParamType;

ParamSpec spec(std::string name, ParamType type, std::string def,
               std::vector<std::string> choices = {}) {
  ParamSpec s;
  s.name = std::move(name);
  s.type = type;
  s.default_value = std::move(def);
  s.help = "help for " + s.name;
  s.choices = std::move(choices);
  return s;
}

std::vector<ParamSpec> sample_specs() {
  return {
      spec("duration", ParamType::duration, "500ms"),
      spec("size", ParamType::bytes, "4KiB"),
      spec("count", ParamType::integer, "10k"),
      spec("ratio", ParamType::real, "0.5"),
      spec("distribution", ParamType::choice, "fixed",
           {"fixed", "uniform", "exponential"}),
      spec("label", ParamType::text, "hello"),
  };
}

template <typename F>
std::string usage_error(F f) {
  try {
    f();
  } catch (const apb::UsageError& e) {
    return e.what();
  } catch (...) {
    return "<other exception>";
  }
  return "<no exception>";
}

template <typename F>
std::string logic_error(F f) {
  try {
    f();
  } catch (const apb::UsageError&) {
    return "<UsageError>";
  } catch (const std::logic_error& e) {
    return e.what();
  } catch (...) {
    return "<other exception>";
  }
  return "<no exception>";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(ParamSpec, Unit) {
  EXPECT_EQ(spec("a", ParamType::duration, "1s").unit(), "time");
  EXPECT_EQ(spec("a", ParamType::bytes, "1").unit(), "bytes");
  EXPECT_EQ(spec("a", ParamType::integer, "1").unit(), "count");
  EXPECT_EQ(spec("a", ParamType::real, "1").unit(), "number");
  EXPECT_EQ(spec("a", ParamType::text, "").unit(), "text");
  EXPECT_EQ(spec("a", ParamType::choice, "x", {"x", "y", "z"}).unit(),
            "one of x|y|z");
  EXPECT_EQ(ParamSpec{}.unit(), "text");
}

TEST(Params, DefaultConstructedIsEmpty) {
  apb::Params p;
  EXPECT_TRUE(p.specs().empty());
  EXPECT_TRUE(p.values().empty());
  EXPECT_FALSE(p.has("x"));
  EXPECT_EQ(usage_error([&] { p.set("x", "1"); }),
            "unknown parameter 'x'; accepted: (none)");
}

TEST(Params, Defaults) {
  const apb::Params p(sample_specs());
  EXPECT_EQ(p.duration("duration"), 500ms);
  EXPECT_EQ(p.bytes("size"), 4096u);
  EXPECT_EQ(p.integer("count"), 10000);
  EXPECT_DOUBLE_EQ(p.real("ratio"), 0.5);
  EXPECT_EQ(p.text("distribution"), "fixed");
  EXPECT_EQ(p.text("label"), "hello");
  EXPECT_EQ(p.specs().size(), 6u);
  EXPECT_TRUE(p.has("size"));
  EXPECT_FALSE(p.has("sizes"));
}

TEST(Params, ValuesInDeclarationOrder) {
  apb::Params p(sample_specs());
  p.set("label", "x");
  p.set("count", "3");
  const std::vector<std::pair<std::string, std::string>> want = {
      {"duration", "500ms"}, {"size", "4KiB"},          {"count", "3"},
      {"ratio", "0.5"},      {"distribution", "fixed"}, {"label", "x"}};
  EXPECT_EQ(p.values(), want);
}

TEST(Params, SetValidValues) {
  apb::Params p(sample_specs());
  p.set("duration", "1.5s");
  p.set("size", "1MiB");
  p.set("count", "2M");
  p.set("ratio", "-0.25");
  p.set("distribution", "exponential");
  p.set("label", "");
  EXPECT_EQ(p.duration("duration"), 1500ms);
  EXPECT_EQ(p.bytes("size"), 1u << 20);
  EXPECT_EQ(p.integer("count"), 2000000);
  EXPECT_DOUBLE_EQ(p.real("ratio"), -0.25);
  EXPECT_EQ(p.text("distribution"), "exponential");
  EXPECT_EQ(p.text("label"), "");
  // Values are kept as typed.
  EXPECT_EQ(p.values()[0].second, "1.5s");
  // Setting again overwrites.
  p.set("duration", "0");
  EXPECT_EQ(p.duration("duration"), 0ns);
}

TEST(Params, SetUnknownNameSuggests) {
  apb::Params p(sample_specs());
  EXPECT_EQ(usage_error([&] { p.set("szie", "1"); }),
            "unknown parameter 'szie' (did you mean 'size'?); accepted: "
            "duration, size, count, ratio, distribution, label");
  EXPECT_EQ(usage_error([&] { p.set("zzzzzzzz", "1"); }),
            "unknown parameter 'zzzzzzzz'; accepted: duration, size, count, "
            "ratio, distribution, label");
}

TEST(Params, SetBadChoice) {
  apb::Params p(sample_specs());
  EXPECT_EQ(usage_error([&] { p.set("distribution", "fast"); }),
            "bad value 'fast' for parameter 'distribution': expected one of "
            "fixed, uniform, exponential");
  EXPECT_EQ(usage_error([&] { p.set("distribution", "unifrom"); }),
            "bad value 'unifrom' for parameter 'distribution' (did you mean "
            "'uniform'?): expected one of fixed, uniform, exponential");
  EXPECT_EQ(p.text("distribution"), "fixed");  // unchanged after failure
}

TEST(Params, SetBadTypedValues) {
  apb::Params p(sample_specs());
  EXPECT_EQ(usage_error([&] { p.set("duration", "5 parsecs"); }),
            "bad value '5 parsecs' for parameter 'duration': expected a "
            "number with a unit ns, us, ms, s, min or h (e.g. 500ms)");
  EXPECT_EQ(usage_error([&] { p.set("duration", "10"); }),
            "bad value '10' for parameter 'duration': missing unit; expected "
            "a number with a unit ns, us, ms, s, min or h (e.g. 500ms)");

  std::string msg = usage_error([&] { p.set("size", "4 lots"); });
  EXPECT_TRUE(contains(msg, "bad value '4 lots' for parameter 'size': "))
      << msg;
  EXPECT_TRUE(contains(msg, "KiB")) << msg;

  msg = usage_error([&] { p.set("count", "-3"); });
  EXPECT_TRUE(contains(msg, "bad value '-3' for parameter 'count': ")) << msg;
  EXPECT_TRUE(contains(msg, "negative")) << msg;

  msg = usage_error([&] { p.set("count", "many"); });
  EXPECT_TRUE(contains(msg, "bad value 'many' for parameter 'count': ")) << msg;

  msg = usage_error([&] { p.set("ratio", "half"); });
  EXPECT_TRUE(contains(msg, "bad value 'half' for parameter 'ratio': ")) << msg;
  EXPECT_TRUE(contains(msg, "expected a number")) << msg;

  // Nothing changed.
  EXPECT_EQ(p.duration("duration"), 500ms);
  EXPECT_EQ(p.integer("count"), 10000);
}

TEST(Params, BadDefaultsAreLogicErrors) {
  EXPECT_TRUE(contains(
      logic_error([] { apb::Params({spec("d", ParamType::duration, "10")}); }),
      "'d'"));
  EXPECT_NE(
      logic_error([] { apb::Params({spec("b", ParamType::bytes, "lots")}); }),
      "<no exception>");
  EXPECT_NE(
      logic_error([] { apb::Params({spec("i", ParamType::integer, "1.5")}); }),
      "<no exception>");
  EXPECT_NE(logic_error([] { apb::Params({spec("r", ParamType::real, "")}); }),
            "<no exception>");
  EXPECT_NE(logic_error([] {
              apb::Params({spec("c", ParamType::choice, "z", {"x", "y"})});
            }),
            "<no exception>");
  // Declaration mistakes.
  EXPECT_NE(
      logic_error([] { apb::Params({spec("c", ParamType::choice, "", {})}); }),
      "<no exception>");
  EXPECT_NE(logic_error([] {
              apb::Params({spec("a", ParamType::text, ""),
                           spec("a", ParamType::text, "")});
            }),
            "<no exception>");
  EXPECT_NE(logic_error([] { apb::Params({spec("", ParamType::text, "")}); }),
            "<no exception>");
}

TEST(Params, GettersOnUndeclaredNamesAreLogicErrors) {
  const apb::Params p(sample_specs());
  EXPECT_TRUE(contains(logic_error([&] { p.duration("nope"); }), "'nope'"));
  EXPECT_TRUE(contains(logic_error([&] { p.bytes("nope"); }), "'nope'"));
  EXPECT_TRUE(contains(logic_error([&] { p.integer("nope"); }), "'nope'"));
  EXPECT_TRUE(contains(logic_error([&] { p.real("nope"); }), "'nope'"));
  EXPECT_TRUE(contains(logic_error([&] { p.text("nope"); }), "'nope'"));
}

TEST(Params, GettersOfTheWrongTypeAreLogicErrors) {
  const apb::Params p(sample_specs());
  EXPECT_TRUE(contains(logic_error([&] { p.duration("size"); }), "'size'"));
  EXPECT_TRUE(contains(logic_error([&] { p.bytes("count"); }), "'count'"));
  EXPECT_TRUE(contains(logic_error([&] { p.integer("ratio"); }), "'ratio'"));
  EXPECT_TRUE(contains(logic_error([&] { p.real("count"); }), "'count'"));
  EXPECT_TRUE(contains(logic_error([&] { p.text("duration"); }), "'duration'"));
}

}  // namespace
