#include "cli/shard_options.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>
#include <ctime>
#include <string>

#include "apbench/error.hpp"
#include "engine/wall_clock.hpp"

namespace apb::cli {
namespace {

constexpr unsigned kMaxShards = 10'000;

std::optional<unsigned> to_unsigned(std::string_view text) {
  unsigned value = 0;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    return std::nullopt;
  return value;
}

std::optional<unsigned> env_unsigned(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  const auto value = to_unsigned(v);
  if (!value)
    throw UsageError(fmt::format(
        "environment variable {}='{}' is not a whole number", name, v));
  return value;
}

struct Shard {
  unsigned index = 0;
  unsigned count = 1;
};

// --shard I/N; else --shards N with the index from Slurm's job array
// (SLURM_ARRAY_TASK_ID - SLURM_ARRAY_TASK_MIN) or a Kubernetes Indexed
// Job (JOB_COMPLETION_INDEX). Never from the environment alone: a process
// that happens to run in an array is not split unless asked.
Shard shard_of(const Options& o) {
  if (o.shard && o.shards)
    throw UsageError("give --shard I/N or --shards N, not both");
  if (o.shard) {
    const auto slash = o.shard->find('/');
    const auto index = to_unsigned(std::string_view(*o.shard).substr(
        0, slash == std::string::npos ? 0 : slash));
    // Plain values, not optionals: g++ 12 -O3 warns that an optional's
    // value "may be used uninitialized" after these checks.
    const unsigned bad = kMaxShards + 1;
    const unsigned count =
        slash == std::string::npos
            ? bad
            : to_unsigned(std::string_view(*o.shard).substr(slash + 1))
                  .value_or(bad);
    const unsigned i = index.value_or(bad);
    if (count == 0 || count > kMaxShards || i >= count)
      throw UsageError(fmt::format(
          "bad value '{}' for --shard: expected I/N with 0 <= I < N <= {} "
          "(I counts from 0)",
          *o.shard, kMaxShards));
    return {i, count};
  }
  if (!o.shards) return {};
  const auto count = to_unsigned(*o.shards);
  if (!count || *count == 0 || *count > kMaxShards)
    throw UsageError(fmt::format("bad value '{}' for --shards: expected 1..{}",
                                 *o.shards, kMaxShards));
  std::optional<unsigned> index;
  if (const auto task = env_unsigned("SLURM_ARRAY_TASK_ID")) {
    const unsigned min = env_unsigned("SLURM_ARRAY_TASK_MIN").value_or(0);
    if (*task < min)
      throw UsageError("SLURM_ARRAY_TASK_ID is below SLURM_ARRAY_TASK_MIN");
    index = *task - min;
    if (const auto tasks = env_unsigned("SLURM_ARRAY_TASK_COUNT");
        tasks && *tasks != *count)
      throw UsageError(
          fmt::format("--shards {} but the Slurm array has {} tasks "
                      "(SLURM_ARRAY_TASK_COUNT): give --array=0-{}",
                      *count, *tasks, *count - 1));
  } else {
    index = env_unsigned("JOB_COMPLETION_INDEX");
  }
  if (!index)
    throw UsageError(
        "--shards N takes this process's index from SLURM_ARRAY_TASK_ID or "
        "JOB_COMPLETION_INDEX, and neither is set: give --shard I/N");
  if (*index >= *count)
    throw UsageError(fmt::format(
        "shard index {} (from the environment) is not below --shards {}",
        *index, *count));
  return {*index, *count};
}

}  // namespace

double parse_start_at(const std::string& text) {
  // 2262-01-01T00:00:00Z: past it, nanoseconds since the Unix epoch no
  // longer fit the 64 bits the wait is counted in.
  constexpr double kEnd = 9214646400;
  const auto bad = [&](std::string_view why = "") {
    return UsageError(
        fmt::format("bad value '{}' for --start-at{}: expected Unix seconds "
                    "(1767225600) or UTC time YYYY-MM-DDTHH:MM:SSZ, before "
                    "2262-01-01T00:00:00Z",
                    text, why));
  };
  if (text.find('T') == std::string::npos) {
    char* end = nullptr;
    const double s = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(s >= 0)) throw bad();
    if (!(s < kEnd)) throw bad(" (too far in the future)");
    return s;
  }
  std::tm tm{};
  int consumed = 0;
  double seconds = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%lf%n", &tm.tm_year,
                  &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &seconds,
                  &consumed) != 6 ||
      text.substr(static_cast<std::size_t>(consumed)) != "Z" ||
      !(seconds >= 0 && seconds < 61) || tm.tm_mon < 1 || tm.tm_mon > 12 ||
      tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_year < 1970)
    throw bad();
  if (tm.tm_year >= 2262) throw bad(" (too far in the future)");
  const int year = tm.tm_year, month = tm.tm_mon, day = tm.tm_mday;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const std::time_t whole = timegm(&tm);
  // timegm carries an impossible day into the next month (February 30th
  // is March 2nd): a date that does not read back was not a date.
  std::tm back{};
  if (whole < 0 || gmtime_r(&whole, &back) == nullptr ||
      back.tm_year + 1900 != year || back.tm_mon + 1 != month ||
      back.tm_mday != day)
    throw bad(fmt::format(" ({:04}-{:02} has no day {})", year, month, day));
  return static_cast<double>(whole) + seconds;
}

double clock_offset_from_environment() {
  const char* text = std::getenv("APBENCH_CLOCK_OFFSET");
  if (!text || !*text) return 0;
  char* end = nullptr;
  const double s = std::strtod(text, &end);
  if (*end != '\0' || !(s >= -86400 && s <= 86400))
    throw UsageError(fmt::format(
        "environment variable APBENCH_CLOCK_OFFSET='{}' is not an offset: "
        "expected seconds, -86400..86400 (e.g. 0.5 or -2)",
        text));
  return s;
}

void apply_shard_options(const Options& o, Plan& plan) {
  // For tests: this process plays a host whose clock is off by that much.
  set_wall_clock_offset(clock_offset_from_environment());
  const Shard shard = shard_of(o);
  for (auto& sweep : plan.sweeps)
    for (auto& load : sweep.points) {
      load.shard = shard.index;
      load.shards = shard.count;
    }
  if (o.start_at) plan.start_at_unix_s = parse_start_at(*o.start_at);
}

}  // namespace apb::cli
