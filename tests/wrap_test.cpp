// Text wrapping for the console: nothing cut, nothing wider than asked.
#include "text/wrap.hpp"

#include <gtest/gtest.h>

#include <string>

namespace apb {
namespace {

std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& line : lines) text += line + "|";
  return text;
}

TEST(Wrap, BreaksAtSpacesWithinTheWidth) {
  const auto lines = wrap("one two three four five six", 10, "- ", "  ");
  EXPECT_EQ(joined(lines), "- one two|  three|  four|  five six|");
  for (const auto& line : lines) EXPECT_LE(display_width(line), 10u) << line;
}

TEST(Wrap, KeepsEveryWordAndSplitsOnlyTooLongOnes) {
  const auto lines = wrap("a abcdefghijkl b", 6);
  EXPECT_EQ(joined(lines), "a|abcdef|ghijkl|b|");
}

TEST(Wrap, MovesAWordAfterALongLeadToTheNextLineWhole) {
  // The lead leaves 5 columns; "fixed:" fits a continuation line.
  const auto lines = wrap("fixed: every op waits", 16, "(one of a|b) ", "    ");
  EXPECT_EQ(joined(lines), "(one of a|b)|    fixed: every|    op waits|");
}

TEST(Wrap, KeepsAUnitWithItsNumber) {
  const auto lines = wrap("CPU busy 88.8 %, I/O 20 ms", 14);
  EXPECT_EQ(joined(lines), "CPU busy|88.8 %, I/O|20 ms|");
  EXPECT_EQ(joined(wrap("CPU busy 88.8 %, I/O 20 ms", 17)),
            "CPU busy 88.8 %,|I/O 20 ms|");
}

TEST(Wrap, CountsColumnsNotBytes) {
  // "µs" and "—" are two and three bytes but one column each.
  const auto lines = wrap("12 \u00b5s \u2014 ok", 10);
  EXPECT_EQ(lines.size(), 1u) << joined(lines);
  EXPECT_EQ(display_width(lines[0]), 10u);
}

TEST(Wrap, EmptyTextIsThePrefixAlone) {
  EXPECT_EQ(joined(wrap("", 10, "note: ")), "note: |");
}

TEST(TruncateToWidth, CutsWithAnEllipsisOnlyWhenTooWide) {
  EXPECT_EQ(truncate_to_width("abcdef", 6), "abcdef");
  EXPECT_EQ(truncate_to_width("abcdefg", 6), "abcde\u2026");
  EXPECT_EQ(display_width(truncate_to_width("a · b · c · d", 6)), 6u);
  EXPECT_EQ(truncate_to_width("a · b · c · d", 6), "a · b\u2026");
  EXPECT_EQ(truncate_to_width("abc", 0), "");
}

}  // namespace
}  // namespace apb
