// --hlog: HdrHistogram's compressed histogram encoding and interval log,
// read back bucket for bucket; a histogram encoded by HdrHistogram itself
// (Java) decodes into the buckets apbench puts the same values in.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "apbench/histogram.hpp"
#include "apbench/report.hpp"
#include "apbench/results.hpp"
#include "apbench/runner.hpp"
#include "stats/hdr_encoding.hpp"

namespace apb {
namespace {

using Buckets = std::vector<std::pair<std::uint32_t, std::uint64_t>>;

// Names say the threads only when they differ from the machine's.
const unsigned kThreads = hardware_threads() + 1;
const std::string kThreadsName = "/threads:" + std::to_string(kThreads);

Histogram lognormal_histogram(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> dist(13, 2);  // ~0.4 ms, long tail
  Histogram h;
  for (std::size_t i = 0; i < n; ++i)
    h.record(static_cast<std::uint64_t>(dist(rng)));
  return h;
}

TEST(HdrEncoding, RoundTripsEveryBucket) {
  for (std::uint64_t seed : {1, 2, 3}) {
    const HistogramData data = lognormal_histogram(seed, 30000).data();
    const std::string text = hdr_compressed_base64(data);
    // 0x1c849314 and a length below 2^24, in base64.
    EXPECT_EQ(text.substr(0, 8), "HISTFAAA");
    const HdrDecoded back = decode_hdr_compressed_base64(text);
    EXPECT_EQ(back.significant_digits, 3);
    EXPECT_EQ(back.lowest_discernible, 1);
    EXPECT_EQ(back.highest_trackable, std::int64_t{1} << 42);
    EXPECT_EQ(back.count, data.count);
    EXPECT_EQ(back.buckets, data.buckets);
  }
}

TEST(HdrEncoding, EdgesOfTheLayoutAndLargeCounts) {
  // The exact range's end, the first octaves, the highest value, and
  // counts that need several LEB128 bytes (the ninth carries 8 bits).
  HistogramData data;
  const std::map<std::uint32_t, std::uint64_t> counts{
      {1, 1},
      {2047, 128},
      {2048, 1},
      {3072, 70000},
      {static_cast<std::uint32_t>(Histogram::bucket_count() - 1),
       (std::uint64_t{1} << 62) + 12345}};
  for (const auto& [index, n] : counts) {
    data.buckets.emplace_back(index, n);
    data.count += n;
  }
  const HdrDecoded back =
      decode_hdr_compressed_base64(hdr_compressed_base64(data));
  EXPECT_EQ(back.buckets, data.buckets);
  EXPECT_EQ(back.count, data.count);
  // An empty histogram encodes no counts and reads back empty.
  EXPECT_TRUE(
      decode_hdr_compressed_base64(hdr_compressed_base64({})).buckets.empty());
}

TEST(HdrEncoding, ReadsWhatHdrHistogramWrote) {
  // HdrHistogram (Java) 2.1.11, Debian's libhdrhistogram-java:
  //   Histogram h = new Histogram(1, 1L << 42, 3);
  //   for (long v : values) h.recordValue(v);
  //   h.recordValueWithCount(5000, 70000);
  //   h.recordValueWithCount(77777, 1L << 35);
  //   h.encodeIntoCompressedByteBuffer(buffer), in base64.
  const std::string java =
      "HISTFAAAAEt4nJNpmSzMwMCgxwABzFCakYGBBcyw/wAVYWJiOs7PtFqAiYXpJz8T00HmB0c5"
      "tts3gADTRG6mtQZsC+czMk1fxMj0V54JAOEmEGA=";
  const std::vector<std::uint64_t> values{
      1,       2,       3,         1000,       2047,      2048,
      2049,    2050,    4095,      4096,       123456,    1000000,
      1000000, 1000000, 999999999, 1ULL << 40, 1ULL << 42};
  std::map<std::uint32_t, std::uint64_t> expected;
  for (std::uint64_t v : values)
    ++expected[static_cast<std::uint32_t>(Histogram::bucket_of(v))];
  expected[static_cast<std::uint32_t>(Histogram::bucket_of(5000))] += 70000;
  expected[static_cast<std::uint32_t>(Histogram::bucket_of(77777))] +=
      std::uint64_t{1} << 35;

  const HdrDecoded back = decode_hdr_compressed_base64(java);
  EXPECT_EQ(back.significant_digits, 3);
  EXPECT_EQ(back.lowest_discernible, 1);
  EXPECT_EQ(back.highest_trackable, std::int64_t{1} << 42);
  EXPECT_EQ(back.count, values.size() + 70000 + (std::uint64_t{1} << 35));
  EXPECT_EQ(back.buckets, Buckets(expected.begin(), expected.end()));

  // And ours of the same buckets decodes to the same.
  HistogramData ours;
  ours.buckets.assign(expected.begin(), expected.end());
  ours.count = back.count;
  EXPECT_EQ(decode_hdr_compressed_base64(hdr_compressed_base64(ours)).buckets,
            back.buckets);
}

TEST(HdrEncoding, RefusesDamagedInput) {
  const std::string good =
      hdr_compressed_base64(lognormal_histogram(4, 1000).data());
  for (const std::string& bad :
       {std::string("not base64!"), good.substr(0, good.size() - 4),
        "AAAA" + good.substr(4), good.substr(0, 40) + "AAAA" + good.substr(44)})
    EXPECT_THROW(decode_hdr_compressed_base64(bad), std::invalid_argument)
        << bad;
}

// One closed-loop and one open-loop run with known histograms, started at
// known times, and an n/a run without any.
Results known_results() {
  Results r;
  r.context.apbench_version = "0.2.0";
  r.context.host = "box";
  RunResult closed;
  closed.workload = "cpu.spin";
  closed.strategy = "parallel";
  closed.params = {{"work", "1ms"}};
  closed.load.ops = 20;
  closed.load.concurrency = 4;
  closed.load.threads = kThreads;
  for (int i = 0; i < 3; ++i) {
    Repetition rep;
    rep.start_unix_s = 1764583200.25 + i;  // 2025-12-01 10:00:00.25 UTC
    rep.wall_s = 0.5;
    closed.repetitions.push_back(rep);
  }
  closed.latency_histogram = lognormal_histogram(5, 60).data();
  RunResult open = closed;
  open.strategy = "async";
  open.load.mode = LoadMode::open;
  open.load.rate = 200;
  open.load.duration_s = 1;
  for (auto& rep : open.repetitions) rep.start_unix_s += 10;
  open.latency_histogram = lognormal_histogram(6, 200).data();
  open.service_time_histogram = lognormal_histogram(7, 200).data();
  RunResult na = closed;
  na.strategy = "sequential";
  na.status = RunStatus::not_applicable;
  na.latency_histogram.reset();
  r.runs = {closed, open, na};
  return r;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> fields_of(const std::string& line) {
  std::vector<std::string> fields;
  std::size_t start = 0;
  for (;;) {
    const auto comma = line.find(',', start);
    fields.push_back(line.substr(start, comma - start));
    if (comma == std::string::npos) return fields;
    start = comma + 1;
  }
}

TEST(Hlog, WritesTheIntervalLogOfEveryMeasuredRun) {
  const Results results = known_results();
  std::ostringstream out;
  write_hlog(out, results);
  const auto lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 9u) << out.str();
  EXPECT_EQ(lines[0], "#[Histogram log format version 1.3]");
  EXPECT_EQ(lines[1], "#[Logged with apbench 0.2.0 on box]");
  EXPECT_TRUE(lines[2].starts_with("#[One interval per run")) << lines[2];
  EXPECT_EQ(lines[3],
            "#[StartTime: 1764583200.250 (seconds since epoch), "
            "Mon Dec 01 10:00:00 UTC 2025]");
  EXPECT_EQ(lines[4], "#[BaseTime: 1764583200.250 (seconds since epoch)]");
  EXPECT_EQ(lines[5],
            "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
            "\"Interval_Compressed_Histogram\"");
  // HdrHistogram's C reader reads header lines into 128 bytes.
  for (std::size_t i = 0; i < 6; ++i) EXPECT_LT(lines[i].size(), 128u);

  struct Expected {
    std::string tag;
    std::string start, length;
    const HistogramData* histogram;
  };
  const std::vector<Expected> expected{
      {"Tag=cpu.spin/parallel/ops:20/concurrency:4" + kThreadsName +
           "/work:1ms",
       "0.000", "2.500", &*results.runs[0].latency_histogram},
      {"Tag=cpu.spin/async/rate:200/duration:1s" + kThreadsName + "/work:1ms",
       "10.000", "2.500", &*results.runs[1].latency_histogram},
      {"Tag=cpu.spin/async/rate:200/duration:1s" + kThreadsName +
           "/work:1ms/service_time",
       "10.000", "2.500", &*results.runs[1].service_time_histogram}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto fields = fields_of(lines[6 + i]);
    ASSERT_EQ(fields.size(), 5u) << lines[6 + i];
    const Expected& e = expected[i];
    EXPECT_EQ(fields[0], e.tag);
    EXPECT_EQ(fields[0].find(' '), std::string::npos);
    EXPECT_EQ(fields[1], e.start);
    EXPECT_EQ(fields[2], e.length);
    EXPECT_NEAR(std::stod(fields[3]),
                static_cast<double>(e.histogram->max_ns) / 1e6, 0.0006);
    const HdrDecoded back = decode_hdr_compressed_base64(fields[4]);
    EXPECT_EQ(back.count, e.histogram->count) << e.tag;
    EXPECT_EQ(back.buckets, e.histogram->buckets) << e.tag;
  }
}

TEST(Hlog, NoRunsStillWritesAHeaderReadersAccept) {
  std::ostringstream out;
  write_hlog(out, Results{});
  const auto lines = lines_of(out.str());
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines.front(), "#[Histogram log format version 1.3]");
  EXPECT_EQ(lines.back(),
            "\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\","
            "\"Interval_Compressed_Histogram\"");
}

TEST(Hlog, TagsHoldNoCommasOrSpaces) {
  Results r = known_results();
  r.runs[0].params = {{"target", "http://127.0.0.1:1/a b,c"}};
  r.runs[0].host = "my host";
  std::ostringstream out;
  write_hlog(out, r);
  const auto lines = lines_of(out.str());
  const auto fields = fields_of(lines.at(6));
  ASSERT_EQ(fields.size(), 5u) << lines.at(6);
  EXPECT_EQ(fields[0], "Tag=cpu.spin/parallel/ops:20/concurrency:4" +
                           kThreadsName +
                           "/target:http://127.0.0.1:1/a_b_c/host:my_host");
}

TEST(Hlog, AShardsLogSaysSoAndTagsItsRunsAsTheWholeLoads) {
  Results r = known_results();
  for (RunResult& run : r.runs) {
    run.load.shard = 1;
    run.load.shards = 4;
  }
  std::ostringstream out;
  write_hlog(out, r);
  const auto lines = lines_of(out.str());
  EXPECT_EQ(lines.at(1), "#[Logged with apbench 0.2.0 on box, shard 1 of 4]");
  EXPECT_EQ(fields_of(lines.at(6)).at(0),
            "Tag=cpu.spin/parallel/ops:20/concurrency:4" + kThreadsName +
                "/work:1ms");
}

}  // namespace
}  // namespace apb
