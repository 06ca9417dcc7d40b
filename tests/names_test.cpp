#include "text/names.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using apb::glob_match;

TEST(GlobMatch, Literal) {
  EXPECT_TRUE(glob_match("io.sleep", "io.sleep"));
  EXPECT_FALSE(glob_match("io.sleep", "io.sleeps"));
  EXPECT_FALSE(glob_match("io.sleep", "io.slee"));
  EXPECT_FALSE(glob_match("io.sleep", "IO.sleep"));  // case-sensitive
  EXPECT_TRUE(glob_match("", ""));
  EXPECT_FALSE(glob_match("", "a"));
  EXPECT_FALSE(glob_match("a", ""));
}

TEST(GlobMatch, Star) {
  EXPECT_TRUE(glob_match("io.*", "io.sleep"));
  EXPECT_TRUE(glob_match("io.*", "io."));
  EXPECT_FALSE(glob_match("io.*", "cpu.spin"));
  EXPECT_FALSE(glob_match("io.*", "io"));
  EXPECT_TRUE(glob_match("*", ""));
  EXPECT_TRUE(glob_match("*", "anything.at.all"));
  EXPECT_TRUE(glob_match("**", "x"));
  EXPECT_TRUE(glob_match("*.spin", "cpu.spin"));
  EXPECT_TRUE(glob_match("*.spin", "a.b.spin"));  // '*' crosses '.'
  EXPECT_FALSE(glob_match("*.spin", "cpu.spinner"));
  EXPECT_TRUE(glob_match("*spin*", "cpu.spin.fast"));
  EXPECT_TRUE(glob_match("c*u*n", "cpu.spin"));
  EXPECT_TRUE(glob_match("a*b*c", "abc"));
  EXPECT_TRUE(glob_match("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(glob_match("a*b*c", "aXbYbZ"));
  EXPECT_TRUE(glob_match("*ab", "aab"));  // needs backtracking
  EXPECT_TRUE(glob_match("*aab", "aaab"));
  EXPECT_FALSE(glob_match("*aab", "aaaba"));
}

TEST(GlobMatch, QuestionMark) {
  EXPECT_TRUE(glob_match("io.?", "io.x"));
  EXPECT_FALSE(glob_match("io.?", "io."));
  EXPECT_FALSE(glob_match("io.?", "io.xy"));
  EXPECT_TRUE(glob_match("???", "abc"));
  EXPECT_FALSE(glob_match("???", "ab"));
  EXPECT_TRUE(glob_match("?*", "a"));
  EXPECT_FALSE(glob_match("?*", ""));
  EXPECT_TRUE(glob_match("cpu.?pin", "cpu.spin"));
}

TEST(GlobMatch, PathologicalInputIsFast) {
  // Exponential for naive recursion; linear-ish here.
  const std::string text(5000, 'a');
  const std::string pattern = std::string(50, '*') + "a*a*a*a*a*a*b";
  EXPECT_FALSE(glob_match(pattern, text));
  EXPECT_TRUE(glob_match(pattern, text + "b"));
}

TEST(NameFilter, EmptyMatchesEverything) {
  apb::NameFilter f;
  EXPECT_TRUE(f.empty());
  EXPECT_TRUE(f.matches("cpu.spin"));
  EXPECT_TRUE(f.matches(""));
}

TEST(NameFilter, SingleInclude) {
  apb::NameFilter f;
  f.add("io.*");
  EXPECT_FALSE(f.empty());
  EXPECT_TRUE(f.matches("io.sleep"));
  EXPECT_FALSE(f.matches("cpu.spin"));
  EXPECT_EQ(f.includes(), std::vector<std::string>{"io.*"});
  EXPECT_TRUE(f.excludes().empty());
}

TEST(NameFilter, MultipleIncludesAreOred) {
  apb::NameFilter f;
  f.add("io.*");
  f.add("cpu.spin");
  EXPECT_TRUE(f.matches("io.sleep"));
  EXPECT_TRUE(f.matches("cpu.spin"));
  EXPECT_FALSE(f.matches("cpu.hash"));
  EXPECT_FALSE(f.matches("hybrid.mix"));
}

TEST(NameFilter, ExcludeOnlyMeansAllButExcluded) {
  apb::NameFilter f;
  f.add("-io.*");
  EXPECT_FALSE(f.empty());
  EXPECT_TRUE(f.includes().empty());
  EXPECT_EQ(f.excludes(), std::vector<std::string>{"io.*"});
  EXPECT_FALSE(f.matches("io.sleep"));
  EXPECT_TRUE(f.matches("cpu.spin"));
}

TEST(NameFilter, ExcludeWinsOverInclude) {
  apb::NameFilter f;
  f.add("*");
  f.add("-*.slow");
  f.add("-io.?");
  EXPECT_TRUE(f.matches("cpu.spin"));
  EXPECT_FALSE(f.matches("cpu.slow"));
  EXPECT_FALSE(f.matches("io.x"));
  EXPECT_TRUE(f.matches("io.xy"));
}

TEST(NameFilter, EmptyPatternsAreIgnored) {
  apb::NameFilter f;
  f.add("");
  f.add("-");
  EXPECT_TRUE(f.empty());
  EXPECT_TRUE(f.matches("cpu.spin"));
}

TEST(NearestName, CloseMisspellings) {
  const std::vector<std::string> strategies = {"sequential", "async", "threads",
                                               "batch"};
  EXPECT_EQ(apb::nearest_name("asyc", strategies), "async");
  EXPECT_EQ(apb::nearest_name("asnyc", strategies), "async");
  EXPECT_EQ(apb::nearest_name("sequental", strategies), "sequential");
  EXPECT_EQ(apb::nearest_name("thread", strategies), "threads");
  EXPECT_EQ(apb::nearest_name("Batch", strategies), "batch");
  EXPECT_EQ(apb::nearest_name("async", strategies), "async");  // exact
}

TEST(NearestName, NothingClose) {
  const std::vector<std::string> strategies = {"sequential", "async",
                                               "threads"};
  EXPECT_EQ(apb::nearest_name("zzzzzz", strategies), "");
  EXPECT_EQ(apb::nearest_name("xyz", strategies), "");
  EXPECT_EQ(apb::nearest_name("", strategies), "");
  EXPECT_EQ(apb::nearest_name("async", {}), "");
}

TEST(NearestName, Threshold) {
  // max(2, size/2): a 3-letter word allows distance 2, not 3.
  EXPECT_EQ(apb::nearest_name("abc", {"axy"}), "axy");
  EXPECT_EQ(apb::nearest_name("abc", {"xyz"}), "");
  // a 10-letter word allows distance 5.
  EXPECT_EQ(apb::nearest_name("abcdefghij", {"abcdeVWXYZ"}), "abcdeVWXYZ");
  EXPECT_EQ(apb::nearest_name("abcdefghij", {"abcdUVWXYZ"}), "");
}

TEST(NearestName, PrefersSmallestDistanceThenFirst) {
  EXPECT_EQ(apb::nearest_name("cat", {"cart", "at"}), "cart");  // tie: first
  EXPECT_EQ(apb::nearest_name("cat", {"at", "cart"}), "at");
  EXPECT_EQ(apb::nearest_name("cat", {"dogs", "cut", "cat.x"}), "cut");
}

TEST(NearestName, AbbreviationFallsBackToPrefix) {
  const std::vector<std::string> names = {"cpu.spin", "io.sleep",
                                          "io.sleep_long", "hybrid.mix"};
  EXPECT_EQ(apb::nearest_name("io", names), "io.sleep");  // shortest prefix
  EXPECT_EQ(apb::nearest_name("hyb", names), "hybrid.mix");
  EXPECT_EQ(apb::nearest_name("seq", {"sequential", "async"}), "sequential");
}

TEST(UnknownNameMessage, WithSuggestion) {
  EXPECT_EQ(apb::unknown_name_message("strategy", "asyc",
                                      {"sequential", "async", "threads"}),
            "unknown strategy 'asyc' (did you mean 'async'?); accepted: "
            "sequential, async, threads");
}

TEST(UnknownNameMessage, WithoutSuggestion) {
  EXPECT_EQ(
      apb::unknown_name_message("workload", "zzzzzz", {"cpu.spin", "io.sleep"}),
      "unknown workload 'zzzzzz'; accepted: cpu.spin, io.sleep");
}

TEST(UnknownNameMessage, NothingAccepted) {
  EXPECT_EQ(apb::unknown_name_message("parameter", "size", {}),
            "unknown parameter 'size'; accepted: (none)");
}

}  // namespace
