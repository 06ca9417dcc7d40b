#include "apbench/units.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "apbench/error.hpp"

namespace {

using std::chrono::nanoseconds;
using namespace std::chrono_literals;

// Runs `f`, expects a UsageError, returns its message ("" if none thrown).
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

bool one_line(const std::string& s) {
  return s.find('\n') == std::string::npos;
}

// ---------------------------------------------------------------- durations

TEST(ParseDuration, AcceptsEachUnit) {
  EXPECT_EQ(apb::parse_duration("100ns"), 100ns);
  EXPECT_EQ(apb::parse_duration("250us"), 250us);
  EXPECT_EQ(apb::parse_duration("250\xC2\xB5s"), 250us);  // micro sign
  EXPECT_EQ(apb::parse_duration("250\xCE\xBCs"), 250us);  // Greek mu
  EXPECT_EQ(apb::parse_duration("500ms"), 500ms);
  EXPECT_EQ(apb::parse_duration("2s"), 2s);
}

TEST(ParseDuration, AcceptsFractions) {
  EXPECT_EQ(apb::parse_duration("1.5s"), 1500ms);
  EXPECT_EQ(apb::parse_duration("0.25ms"), 250us);
  EXPECT_EQ(apb::parse_duration("1.5us"), 1500ns);
  EXPECT_EQ(apb::parse_duration("0.000000001s"), 1ns);
  EXPECT_EQ(apb::parse_duration("1.000s"), 1s);
  EXPECT_EQ(apb::parse_duration("100.0ns"), 100ns);
}

TEST(ParseDuration, ZeroAlone) {
  EXPECT_EQ(apb::parse_duration("0"), 0ns);
  EXPECT_EQ(apb::parse_duration("0s"), 0ns);
  EXPECT_EQ(apb::parse_duration("0ms"), 0ns);
}

TEST(ParseDuration, Limits) {
  EXPECT_EQ(apb::parse_duration("9223372036854775807ns"),
            nanoseconds(std::numeric_limits<std::int64_t>::max()));
  EXPECT_EQ(apb::parse_duration("9223372036s"),
            nanoseconds(9223372036000000000));
}

TEST(ParseDuration, MessageFormat) {
  EXPECT_EQ(usage_error([] { apb::parse_duration("5 parsecs"); }),
            "bad duration '5 parsecs': expected a number with a unit ns, us, "
            "ms, s, min or h (e.g. 500ms)");
}

TEST(ParseDuration, MinutesAndHours) {
  EXPECT_EQ(apb::parse_duration("2min"), std::chrono::seconds(120));
  EXPECT_EQ(apb::parse_duration("1h"), std::chrono::seconds(3600));
  EXPECT_EQ(apb::parse_duration("1.5h"), std::chrono::seconds(5400));
}

TEST(ParseDuration, RejectsBadInput) {
  const char* bad[] = {
      "",                          // empty
      "10",                        // bare number
      "1.5",                       // bare number
      "00",                        // bare number other than "0"
      "-5ms",                      // negative
      "-0",                        // negative zero is still signed
      "+5ms",                      // sign
      "5",                         // no unit
      "ms",                        // no number
      "5m",                        // unknown unit
      "5hours",                    // unknown unit
      "5MS",                       // case-sensitive
      "5msx",                      // trailing junk
      "5ms ",                      // trailing space
      " 5ms",                      // leading space
      "5 ms",                      // inner space
      "1.s",                       // incomplete fraction
      ".5s",                       // no whole part
      "1..5s",                     // two dots
      "1e3ms",                     // no exponents
      "0.5ns",                     // below a nanosecond
      "1.0000000001s",             // below a nanosecond
      "9223372036854775808ns",     // just past int64
      "9223372037s",               // past int64 after scaling
      "99999999999999999999999s",  // past uint64 while reading
      "5parsecs",
      "\xC2\xB5s",
  };
  for (const char* text : bad) {
    const std::string msg = usage_error([&] { apb::parse_duration(text); });
    EXPECT_NE(msg.find("bad duration '" + std::string(text) + "'"),
              std::string::npos)
        << "input '" << text << "' gave: " << msg;
    EXPECT_NE(msg.find("ns, us, ms, s, min or h"), std::string::npos) << msg;
    EXPECT_TRUE(one_line(msg)) << msg;
  }
}

TEST(ParseDuration, ReasonsAreSpecific) {
  EXPECT_NE(usage_error([] { apb::parse_duration("-5ms"); }).find("negative"),
            std::string::npos);
  EXPECT_NE(usage_error([] { apb::parse_duration("10"); }).find("missing unit"),
            std::string::npos);
  EXPECT_NE(usage_error([] {
              apb::parse_duration("99999999999s");
            }).find("too large"),
            std::string::npos);
  EXPECT_NE(usage_error([] {
              apb::parse_duration("0.5ns");
            }).find("whole number of nanoseconds"),
            std::string::npos);
}

// -------------------------------------------------------------------- bytes

TEST(ParseBytes, AcceptsUnits) {
  EXPECT_EQ(apb::parse_bytes("0"), 0u);
  EXPECT_EQ(apb::parse_bytes("512"), 512u);
  EXPECT_EQ(apb::parse_bytes("512B"), 512u);
  EXPECT_EQ(apb::parse_bytes("1KiB"), 1024u);
  EXPECT_EQ(apb::parse_bytes("4MiB"), 4u << 20);
  EXPECT_EQ(apb::parse_bytes("1GiB"), 1u << 30);
  EXPECT_EQ(apb::parse_bytes("3KB"), 3000u);
  EXPECT_EQ(apb::parse_bytes("3kB"), 3000u);
  EXPECT_EQ(apb::parse_bytes("2MB"), 2000000u);
  EXPECT_EQ(apb::parse_bytes("5GB"), 5000000000u);
  EXPECT_EQ(apb::parse_bytes("16GiB"), std::uint64_t{16} << 30);
}

TEST(ParseBytes, FractionsMustGiveWholeBytes) {
  EXPECT_EQ(apb::parse_bytes("1.5KiB"), 1536u);
  EXPECT_EQ(apb::parse_bytes("0.5MiB"), 512u * 1024);
  EXPECT_EQ(apb::parse_bytes("1.25KB"), 1250u);
  EXPECT_EQ(apb::parse_bytes("2.0B"), 2u);
  EXPECT_EQ(apb::parse_bytes("0.0009765625KiB"), 1u);
  EXPECT_NE(usage_error([] {
              apb::parse_bytes("1.0001KiB");
            }).find("not a whole number of bytes"),
            std::string::npos);
  EXPECT_NE(usage_error([] {
              apb::parse_bytes("0.5B");
            }).find("not a whole number of bytes"),
            std::string::npos);
  EXPECT_NE(usage_error([] {
              apb::parse_bytes("1.5");
            }).find("not a whole number of bytes"),
            std::string::npos);
}

TEST(ParseBytes, Limits) {
  EXPECT_EQ(apb::parse_bytes("18446744073709551615"),
            std::numeric_limits<std::uint64_t>::max());
  EXPECT_NE(usage_error([] {
              apb::parse_bytes("18446744073709551616");
            }).find("too large"),
            std::string::npos);
  EXPECT_NE(
      usage_error([] { apb::parse_bytes("17179869184GiB"); }).find("too large"),
      std::string::npos);
}

TEST(ParseBytes, RejectsBadInput) {
  const char* bad[] = {"",     "-1",   "-1KiB", "+1",    "KiB",  "1 KiB",
                       "1kib", "1KIB", "1K",    "1Ki",   "1TiB", "1B2",
                       "1x",   "1e3",  ".5KiB", "1.KiB", " 1",   "1 "};
  for (const char* text : bad) {
    const std::string msg = usage_error([&] { apb::parse_bytes(text); });
    // (fmt, not operator+: g++ 12 -O3 gives a false -Wrestrict on the latter)
    EXPECT_NE(msg.find(fmt::format("'{}'", text)), std::string::npos)
        << "input '" << text << "' gave: " << msg;
    EXPECT_NE(msg.find("KiB"), std::string::npos) << msg;
    EXPECT_TRUE(one_line(msg)) << msg;
  }
  EXPECT_NE(usage_error([] { apb::parse_bytes("-1"); }).find("negative"),
            std::string::npos);
}

// ----------------------------------------------------------------- integers

TEST(ParseInteger, Plain) {
  EXPECT_EQ(apb::parse_integer("0"), 0);
  EXPECT_EQ(apb::parse_integer("42"), 42);
  EXPECT_EQ(apb::parse_integer("007"), 7);
  EXPECT_EQ(apb::parse_integer("9223372036854775807"),
            std::numeric_limits<std::int64_t>::max());
}

TEST(ParseInteger, Suffixes) {
  EXPECT_EQ(apb::parse_integer("10k"), 10000);
  EXPECT_EQ(apb::parse_integer("2M"), 2000000);
  EXPECT_EQ(apb::parse_integer("1.5k"), 1500);
  EXPECT_EQ(apb::parse_integer("0.25M"), 250000);
  EXPECT_EQ(apb::parse_integer("9223372036854775k"), 9223372036854775000);
}

TEST(ParseInteger, Negative) {
  EXPECT_EQ(apb::parse_integer("-5", true), -5);
  EXPECT_EQ(apb::parse_integer("+5", true), 5);
  EXPECT_EQ(apb::parse_integer("-2k", true), -2000);
  EXPECT_EQ(apb::parse_integer("-9223372036854775808", true),
            std::numeric_limits<std::int64_t>::min());
  EXPECT_NE(usage_error([] {
              apb::parse_integer("-9223372036854775809", true);
            }).find("too large"),
            std::string::npos);
  const std::string msg = usage_error([] { apb::parse_integer("-5"); });
  EXPECT_NE(msg.find("bad integer '-5'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("negative"), std::string::npos) << msg;
  EXPECT_NE(usage_error([] { apb::parse_integer("+5"); }).find("'+5'"),
            std::string::npos);
}

TEST(ParseInteger, RejectsBadInput) {
  const char* bad[] = {"",
                       "abc",
                       "12abc",
                       "1.5",
                       "1.0001k",
                       "10K",
                       "10m",
                       "1e6",
                       "0x10",
                       " 1",
                       "1 ",
                       "1 k",
                       "k",
                       "-",
                       "--1",
                       "1.k",
                       "9223372036854775808",
                       "99999999999999999999",
                       "9223372036854776k"};
  for (const char* text : bad) {
    for (bool neg : {false, true}) {
      const std::string msg =
          usage_error([&] { apb::parse_integer(text, neg); });
      EXPECT_NE(msg.find("bad integer '" + std::string(text) + "'"),
                std::string::npos)
          << "input '" << text << "' gave: " << msg;
      EXPECT_NE(msg.find("suffix k"), std::string::npos) << msg;
      EXPECT_TRUE(one_line(msg)) << msg;
    }
  }
  EXPECT_NE(usage_error([] {
              apb::parse_integer("9223372036854775808");
            }).find("too large"),
            std::string::npos);
}

// -------------------------------------------------------------------- reals

TEST(ParseReal, Accepts) {
  EXPECT_DOUBLE_EQ(apb::parse_real("0"), 0.0);
  EXPECT_DOUBLE_EQ(apb::parse_real("0.5"), 0.5);
  EXPECT_DOUBLE_EQ(apb::parse_real("-2.25"), -2.25);
  EXPECT_DOUBLE_EQ(apb::parse_real("+3"), 3.0);
  EXPECT_DOUBLE_EQ(apb::parse_real("1e3"), 1000.0);
  EXPECT_DOUBLE_EQ(apb::parse_real("2.5E-3"), 0.0025);
  EXPECT_DOUBLE_EQ(apb::parse_real(".5"), 0.5);
}

TEST(ParseReal, RejectsBadInput) {
  const char* bad[] = {"",     "abc",      "1.5x",  "nan", "NaN", "inf",
                       "-inf", "infinity", "1e999", "+",   "+-1", "++1",
                       " 1",   "1 ",       "0x10",  "1,5", "-"};
  for (const char* text : bad) {
    const std::string msg = usage_error([&] { apb::parse_real(text); });
    EXPECT_NE(msg.find("bad number '" + std::string(text) + "'"),
              std::string::npos)
        << "input '" << text << "' gave: " << msg;
    EXPECT_TRUE(one_line(msg)) << msg;
  }
}

// --------------------------------------------------------------- formatting

TEST(FormatDuration, HeaderExamples) {
  EXPECT_EQ(apb::format_duration(5.0021), "5.002 s");
  EXPECT_EQ(apb::format_duration(0.0005003), "500.3 us");
  EXPECT_EQ(apb::format_duration(85e-9), "85.0 ns");
}

TEST(FormatDuration, Units) {
  EXPECT_EQ(apb::format_duration(0.5003), "500.3 ms");
  EXPECT_EQ(apb::format_duration(12.41e-6), "12.41 us");
  EXPECT_EQ(apb::format_duration(1.5e-3), "1.500 ms");
  EXPECT_EQ(apb::format_duration(2.0), "2.000 s");
  EXPECT_EQ(apb::format_duration(12345.6), "12346 s");
  EXPECT_EQ(apb::format_duration(0.3e-9), "0.3 ns");
  EXPECT_EQ(apb::format_duration(999e-9), "999.0 ns");
  EXPECT_EQ(apb::format_duration(0.0), "0 s");
}

TEST(FormatDuration, RoundingMovesUpAUnit) {
  EXPECT_EQ(apb::format_duration(999.96e-9), "1.000 us");
  EXPECT_EQ(apb::format_duration(999.97e-6), "1.000 ms");
  EXPECT_EQ(apb::format_duration(0.99999), "1.000 s");
}

TEST(FormatDuration, InvalidGivesDash) {
  EXPECT_EQ(apb::format_duration(-1.0), "-");
  EXPECT_EQ(apb::format_duration(std::nan("")), "-");
  EXPECT_EQ(apb::format_duration(std::numeric_limits<double>::infinity()), "-");
}

TEST(FormatBytes, Examples) {
  EXPECT_EQ(apb::format_bytes(1536), "1.50 KiB");
  EXPECT_EQ(apb::format_bytes(117.0 * 1024 * 1024), "117 MiB");
  EXPECT_EQ(apb::format_bytes(512), "512 B");
  EXPECT_EQ(apb::format_bytes(0), "0 B");
  EXPECT_EQ(apb::format_bytes(1023), "1023 B");
  EXPECT_EQ(apb::format_bytes(1024), "1.00 KiB");
  EXPECT_EQ(apb::format_bytes(1023.7), "1.00 KiB");
  EXPECT_EQ(apb::format_bytes(10.5 * 1024), "10.5 KiB");
  EXPECT_EQ(apb::format_bytes(3.0 * (1 << 30)), "3.00 GiB");
  EXPECT_EQ(apb::format_bytes(-1), "-");
  EXPECT_EQ(apb::format_bytes(std::nan("")), "-");
}

TEST(FormatRate, Examples) {
  EXPECT_EQ(apb::format_rate(12345.6), "12.35 k/s");
  EXPECT_EQ(apb::format_rate(2.5), "2.500 /s");
  EXPECT_EQ(apb::format_rate(1.2e6), "1.200 M/s");
  EXPECT_EQ(apb::format_rate(999.99), "1.000 k/s");
  EXPECT_EQ(apb::format_rate(250), "250.0 /s");
  EXPECT_EQ(apb::format_rate(3e9), "3.000 G/s");
  EXPECT_EQ(apb::format_rate(-1), "-");
  EXPECT_EQ(apb::format_rate(std::nan("")), "-");
}

TEST(Units, RoundTripFormattedDurationUnits) {
  // The unit names we print are ones we accept (modulo the space).
  EXPECT_EQ(apb::parse_duration("500.3us"), nanoseconds(500300));
  EXPECT_EQ(apb::parse_duration("85ns"), 85ns);
}

}  // namespace
