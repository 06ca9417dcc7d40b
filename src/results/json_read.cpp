// Reads "apbench.results/1" (what json_write.cpp writes) back into Results.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <sstream>
#include <stdexcept>

#include "apbench/registry.hpp"
#include "apbench/results_json.hpp"
#include "text/printable.hpp"

namespace apb {
namespace {

namespace json = boost::json;

// Walks a parsed document, naming the key path of anything missing or of
// the wrong type in its one-line error.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& path,
                         const std::string& what) const {
    // Keys and values come from the file: escaped, so the line stays one.
    throw ResultsFormatError(
        fmt::format("'{}' is not a valid apbench results file: {} {}",
                    printable(source_), printable(path), printable(what, 400)));
  }

  const json::value& at(const json::object& o, const std::string& path,
                        const char* key) const {
    const json::value* v = o.if_contains(key);
    if (!v) fail(join(path, key), "is missing");
    return *v;
  }
  const json::object& object(const json::value& v,
                             const std::string& path) const {
    if (!v.is_object()) fail(path, "is not an object");
    return v.get_object();
  }
  const json::array& array(const json::value& v,
                           const std::string& path) const {
    if (!v.is_array()) fail(path, "is not an array");
    return v.get_array();
  }
  std::string string(const json::object& o, const std::string& path,
                     const char* key) const {
    const json::value& v = at(o, path, key);
    if (!v.is_string()) fail(join(path, key), "is not a string");
    return std::string(v.get_string());
  }
  // A number; null (not measured) reads as `fallback`.
  double number(const json::object& o, const std::string& path, const char* key,
                double fallback = 0) const {
    const json::value& v = at(o, path, key);
    if (v.is_null()) return fallback;
    if (!v.is_number()) fail(join(path, key), "is not a number");
    return finite(v.to_number<double>(), join(path, key));
  }
  // A number at least `low` (and at most `high`); null reads as 0.
  double in_range(const json::object& o, const std::string& path,
                  const char* key, double low, double high = kMaxFinite) const {
    return check_range(number(o, path, key), join(path, key), low, high);
  }
  std::optional<double> optional_in_range(const json::object& o,
                                          const std::string& path,
                                          const char* key, double low,
                                          double high = kMaxFinite) const {
    const auto v = optional_number(o, path, key);
    if (v) check_range(*v, join(path, key), low, high);
    return v;
  }
  double check_range(double v, const std::string& where, double low,
                     double high) const {
    if (v < low || v > high)
      fail(where, fmt::format("is {}, expected {}", v, range_text(low, high)));
    return v;
  }
  double finite(double v, const std::string& where) const {
    if (!std::isfinite(v)) fail(where, "is not a finite number");
    return v;
  }
  std::optional<double> optional_number(const json::object& o,
                                        const std::string& path,
                                        const char* key) const {
    const json::value* v = o.if_contains(key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_number()) fail(join(path, key), "is not a number");
    return finite(v->to_number<double>(), join(path, key));
  }
  std::uint64_t count(const json::object& o, const std::string& path,
                      const char* key) const {
    const json::value& v = at(o, path, key);
    if (v.is_null()) return 0;
    if (v.is_uint64()) return v.get_uint64();
    if (v.is_int64() && v.get_int64() >= 0)
      return static_cast<std::uint64_t>(v.get_int64());
    fail(join(path, key), "is not a non-negative integer");
  }
  // An integer from `low` to `high` (not a fraction, text or 1e30).
  std::uint64_t bounded(const json::object& o, const std::string& path,
                        const char* key, std::uint64_t low,
                        std::uint64_t high) const {
    const json::value& v = at(o, path, key);
    const bool whole = v.is_uint64() || (v.is_int64() && v.get_int64() >= 0);
    const std::uint64_t n = whole ? v.to_number<std::uint64_t>() : 0;
    if (!whole || n < low || n > high)
      fail(join(path, key),
           fmt::format("is {}, expected an integer from {} to {}", shown(v),
                       low, high));
    return n;
  }
  // One of `names` (an enum's documented values).
  std::string one_of(const json::object& o, const std::string& path,
                     const char* key,
                     std::initializer_list<std::string_view> names) const {
    const std::string value = string(o, path, key);
    if (std::find(names.begin(), names.end(), value) != names.end())
      return value;
    const json::value& typed = at(o, path, key);
    std::string list;
    std::size_t i = 0;
    for (const auto name : names)
      list += fmt::format("{}{}",
                          i++ == 0            ? ""
                          : i == names.size() ? " or "
                                              : ", ",
                          name);
    fail(join(path, key),
         fmt::format("is {}, expected {}", shown(typed), list));
  }
  bool boolean(const json::object& o, const std::string& path,
               const char* key) const {
    const json::value& v = at(o, path, key);
    if (!v.is_bool()) fail(join(path, key), "is not true or false");
    return v.get_bool();
  }
  std::vector<std::pair<std::string, std::string>> pairs(
      const json::object& o, const std::string& path, const char* key) const {
    std::vector<std::pair<std::string, std::string>> out;
    const std::string here = join(path, key);
    for (const auto& kv : object(at(o, path, key), here)) {
      if (!kv.value().is_string())
        fail(join(here, kv.key()), "is not a string");
      out.emplace_back(std::string(kv.key()),
                       std::string(kv.value().get_string()));
    }
    return out;
  }

  // A value as a line shows it: numbers as typed, short text quoted.
  static std::string shown(const json::value& v) {
    if (v.is_double()) return fmt::format("{}", v.get_double());
    const std::string text = json::serialize(v);
    return text.size() <= 40 ? text : text.substr(0, 37) + "...";
  }

  static constexpr double kMaxFinite = 1.7976931348623157e308;
  static std::string range_text(double low, double high) {
    if (high >= kMaxFinite) return fmt::format("a number >= {}", low);
    return fmt::format("a number from {} to {}", low, high);
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : fmt::format("{}.{}", path, key);
  }
  static std::string index(const std::string& path, std::size_t i) {
    return fmt::format("{}[{}]", path, i);
  }

 private:
  std::string source_;
};

// Bounds of what a file may hold: the most repetitions --repetitions
// takes (merged shards and processes keep that count), the most cores or
// processes a machine could have, and the last second a signed 64-bit count
// of nanoseconds since the Unix epoch reaches (2262-04-11, as --start-at).
constexpr std::uint64_t kMaxRepetitions = 1000;
constexpr std::uint64_t kMaxCores = 1u << 20;
constexpr double kMaxUnixS = 9223372036.0;
// Concurrencies read as numbers: whole and far below what a size_t holds.
constexpr double kMaxOps = 1e15;
// The most a results file may hold: a thousand runs with histograms and
// spectra take a few MiB.
constexpr std::uint64_t kMaxResultsFileBytes = std::uint64_t{1} << 30;

// Times, rates and their statistics: finite and never negative (a
// confidence interval's bounds may be, around a mean near 0).
Summary read_summary(const Reader& r, const json::object& o,
                     const std::string& path) {
  Summary s;
  s.median = r.in_range(o, path, "median", 0);
  s.min = r.in_range(o, path, "min", 0);
  s.max = r.in_range(o, path, "max", 0);
  s.mean = r.optional_in_range(o, path, "mean", 0).value_or(s.median);
  s.stddev = r.optional_in_range(o, path, "stddev", 0).value_or(0);
  if (o.if_contains("outliers"))  // written with mean and stddev
    s.outliers = static_cast<std::size_t>(r.count(o, path, "outliers"));
  s.ci95_low = r.number(o, path, "ci95_low");
  s.ci95_high = r.number(o, path, "ci95_high");
  return s;
}

LatencySummary read_latency(const Reader& r, const json::value& v,
                            const std::string& path) {
  const json::object& o = r.object(v, path);
  LatencySummary l;
  l.p50 = r.in_range(o, path, "p50", 0);
  l.p90 = r.in_range(o, path, "p90", 0);
  l.p99 = r.in_range(o, path, "p99", 0);
  l.p999 = r.in_range(o, path, "p999", 0);
  l.max = r.in_range(o, path, "max", 0);
  l.mean = r.in_range(o, path, "mean", 0);
  l.count = r.count(o, path, "count");
  return l;
}

// A count that older files lack: 0 when missing or null.
std::uint64_t optional_count(const Reader& r, const json::object& o,
                             const std::string& path, const char* key) {
  return o.if_contains(key) ? r.count(o, path, key) : 0;
}

// A checksum as "0x" and 16 hex digits (checksum_text); null or missing
// (files without digests): nullopt.
std::optional<std::uint64_t> read_checksum(const Reader& r,
                                           const json::object& o,
                                           const std::string& path,
                                           const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  const std::string text = v->is_string() ? std::string(v->get_string()) : "";
  const bool hex = text.size() == 18 && text.starts_with("0x") &&
                   std::all_of(text.begin() + 2, text.end(), [](char c) {
                     return std::isxdigit(static_cast<unsigned char>(c));
                   });
  if (!hex)
    r.fail(Reader::join(path, key),
           "is not a checksum (\"0x\" and 16 hex digits)");
  return std::stoull(text.substr(2), nullptr, 16);
}

std::optional<HistogramData> read_histogram(const Reader& r,
                                            const json::object& o,
                                            const std::string& path,
                                            const char* key) {
  const json::value* v = o.if_contains(key);  // files before apbench 0.4
  if (!v || v->is_null()) return std::nullopt;
  const std::string hp = Reader::join(path, key);
  const json::object& h = r.object(*v, hp);
  if (r.count(h, hp, "lowest_ns") != 1 ||
      r.count(h, hp, "significant_digits") != 3)
    r.fail(hp, "has a bucket layout other than lowest_ns 1, 3 digits");
  HistogramData data;
  data.count = r.count(h, hp, "count");
  data.min_ns = r.count(h, hp, "min_ns");
  data.max_ns = r.count(h, hp, "max_ns");
  data.sum_ns = r.count(h, hp, "sum_ns");
  const std::string bp = Reader::join(hp, "buckets");
  const json::array& buckets = r.array(r.at(h, hp, "buckets"), bp);
  if (buckets.size() % 2 != 0) r.fail(bp, "has an odd length");
  std::uint64_t index = 0;
  for (std::size_t i = 0; i < buckets.size(); i += 2) {
    const auto word = [&](std::size_t k) -> std::uint64_t {
      const json::value& w = buckets[k];
      if (w.is_uint64()) return w.get_uint64();
      if (w.is_int64() && w.get_int64() >= 0)
        return static_cast<std::uint64_t>(w.get_int64());
      r.fail(Reader::index(bp, k), "is not a non-negative integer");
    };
    index += word(i);
    if (index > 0xffffffffu) r.fail(bp, "has a bucket index out of range");
    data.buckets.emplace_back(static_cast<std::uint32_t>(index), word(i + 1));
  }
  try {
    (void)Histogram(data);  // consistent, or one line naming what is not
  } catch (const std::invalid_argument& e) {
    r.fail(hp, e.what());
  }
  return data;
}

RunContext read_context(const Reader& r, const json::object& o,
                        const std::string& path) {
  RunContext c;
  c.apbench_version = r.string(o, path, "apbench_version");
  c.date = r.string(o, path, "date");
  c.host = r.string(o, path, "host");
  c.cores = static_cast<unsigned>(r.bounded(o, path, "cores", 1, kMaxCores));
  c.cpu_model = r.string(o, path, "cpu_model");
  c.os = r.string(o, path, "os");
  c.compiler = r.string(o, path, "compiler");
  c.build_type = r.string(o, path, "build_type");
  // Files written before these keys existed: optimised, as they claimed.
  if (o.if_contains("optimized")) c.optimized = r.boolean(o, path, "optimized");
  for (auto& [name, version] : r.pairs(o, path, "libraries"))
    c.libraries[name] = version;
  c.command_line = r.string(o, path, "command_line");
  c.processes = static_cast<unsigned>(
      std::max<std::uint64_t>(1, optional_count(r, o, path, "processes")));
  // Files of apbench 0.2.0 have neither (both are optional on reading).
  if (const json::value* cpus = o.if_contains("cpus");
      cpus && cpus->is_string())
    c.cpus = std::string(cpus->get_string());
  if (const json::value* v = o.if_contains("noise"); v && !v->is_null()) {
    const std::string np = Reader::join(path, "noise");
    const json::object& n = r.object(*v, np);
    c.noise.load_average = r.optional_number(n, np, "load_average");
    c.noise.cpu_busy = r.optional_number(n, np, "cpu_busy");
    c.noise.cpu_steal = r.optional_number(n, np, "cpu_steal");
    if (const auto others =
            r.optional_in_range(n, np, "other_runnable", 0, 1e9))
      c.noise.other_runnable = static_cast<unsigned>(*others);
    const auto text = [&](const char* key) {
      const json::value* t = n.if_contains(key);
      return t && t->is_string() ? std::string(t->get_string()) : "";
    };
    c.noise.virtualization = text("virtualization");
    c.noise.governor = text("governor");
    if (const json::value* t = n.if_contains("turbo"); t && t->is_bool())
      c.noise.turbo = t->get_bool();
  }
  if (const json::value* m = o.if_contains("merged_by"); m && m->is_string())
    c.merged_by = std::string(m->get_string());
  if (const json::value* v = o.if_contains("shards"); v && !v->is_null()) {
    const std::string sp = Reader::join(path, "shards");
    const json::array& shards = r.array(*v, sp);
    for (std::size_t i = 0; i < shards.size(); ++i) {
      const std::string ip = Reader::index(sp, i);
      const json::object& s = r.object(shards[i], ip);
      ShardRecord rec;
      rec.file = r.string(s, ip, "file");
      rec.host = r.string(s, ip, "host");
      rec.date = r.string(s, ip, "date");
      rec.index = static_cast<unsigned>(r.count(s, ip, "index"));
      rec.count = static_cast<unsigned>(r.count(s, ip, "count"));
      // Merged files of earlier builds lack it (0: unknown).
      rec.cores = static_cast<unsigned>(optional_count(r, s, ip, "cores"));
      if (rec.cores > kMaxCores)
        r.fail(Reader::join(ip, "cores"),
               fmt::format("is {}, expected at most {}", rec.cores, kMaxCores));
      rec.start_unix_s = r.in_range(s, ip, "start_unix_s", 0, kMaxUnixS);
      rec.end_unix_s = r.in_range(s, ip, "end_unix_s", 0, kMaxUnixS);
      c.shards.push_back(rec);
    }
  }
  return c;
}

Load read_load(const Reader& r, const json::object& o, const std::string& path,
               RunResult& run) {
  Load load;
  if (r.one_of(o, path, "mode", {"closed", "open"}) == "open")
    load.mode = LoadMode::open;
  load.ops = r.count(o, path, "ops");
  // The file holds the concurrency as it came to, not as typed: read back
  // that way for both sides of a comparison, keys stay consistent.
  load.concurrency = r.count(o, path, "requested_concurrency");
  run.concurrency = r.count(o, path, "concurrency");
  load.threads = static_cast<unsigned>(r.count(o, path, "threads"));
  // Older files lack it; 0 reads as "as many as the threads".
  run.compute_threads =
      static_cast<unsigned>(optional_count(r, o, path, "compute_threads"));
  run.swept = r.boolean(o, path, "swept");
  // Older files lack it: no parameter was swept.
  if (const json::value* v = o.if_contains("sweep_axes"); v && v->is_array())
    for (const auto& axis : v->as_array())
      if (axis.is_string()) run.sweep_axes.emplace_back(axis.as_string());
  if (const json::value* v = o.if_contains("border_probe"); v && v->is_bool())
    run.border_probe = v->as_bool();
  if (load.open()) {
    load.rate = r.in_range(o, path, "rate_ops_s", 0);
    load.duration_s = r.in_range(o, path, "duration_s", 0);
    load.arrival =
        r.one_of(o, path, "arrival", {"constant", "poisson"}) == "poisson"
            ? Arrival::poisson
            : Arrival::constant;
    load.max_in_flight = r.count(o, path, "max_in_flight");
  }
  // The lanes as asked for (0: all, so a closed loop's shards with their
  // different ops agree); files before `lanes` (or, in a closed loop,
  // before it was written there) have only the clipped count.
  if (const auto lanes = o.if_contains("lanes"); lanes && !lanes->is_null())
    load.concurrency = r.count(o, path, "lanes");
  if (const json::value* v = o.if_contains("shard"); v && !v->is_null()) {
    const std::string sp = Reader::join(path, "shard");
    const json::object& sh = r.object(*v, sp);
    load.shard = static_cast<unsigned>(r.count(sh, sp, "index"));
    load.shards = static_cast<unsigned>(r.count(sh, sp, "count"));
    if (load.shards == 0 || load.shard >= load.shards)
      r.fail(sp, "has an index that is not below its count");
  }
  return load;
}

// What the runner found besides the numbers (all optional on reading:
// `apbench --forks` reads its processes' files back whole).
void read_findings(const Reader& r, const json::object& o,
                   const std::string& path, RunResult& run) {
  const auto present = [&](const char* key) {
    const json::value* v = o.if_contains(key);
    return v && !v->is_null() ? v : nullptr;
  };
  if (const json::value* v = present("interrupted"); v && v->is_bool())
    run.interrupted = v->get_bool();
  run.repetitions_requested = static_cast<unsigned>(
      optional_count(r, o, path, "repetitions_requested"));
  if (const json::value* v = present("diagnoses")) {
    const std::string dp = Reader::join(path, "diagnoses");
    const json::array& items = r.array(*v, dp);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string ip = Reader::index(dp, i);
      const json::object& d = r.object(items[i], ip);
      run.diagnoses.push_back(
          {r.string(d, ip, "kind"), r.string(d, ip, "message")});
    }
  }
  if (const json::value* v = present("stages")) {
    const std::string sp = Reader::join(path, "stages");
    const json::array& items = r.array(*v, sp);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string ip = Reader::index(sp, i);
      const json::object& st = r.object(items[i], ip);
      run.stages.push_back({r.string(st, ip, "name"), r.string(st, ip, "kind"),
                            r.in_range(st, ip, "time_s", 0),
                            r.in_range(st, ip, "queue_s", 0)});
    }
  }
  if (const json::value* v = present("stage_overlap")) {
    const std::string op = Reader::join(path, "stage_overlap");
    const json::object& ov = r.object(*v, op);
    run.stage_overlap =
        StageOverlap{r.number(ov, op, "cpu_busy"), r.number(ov, op, "io_wait"),
                     r.number(ov, op, "both")};
  }
  if (const json::value* v = present("fork_join")) {
    const std::string fp = Reader::join(path, "fork_join");
    const json::object& f = r.object(*v, fp);
    ForkJoinCost c;
    c.tasks_per_op = r.count(f, fp, "tasks_per_op");
    c.leaves_per_op = r.count(f, fp, "leaves_per_op");
    c.serial_s = r.in_range(f, fp, "serial_s", 0);
    c.critical_path_s = r.in_range(f, fp, "critical_path_s", 0);
    c.threads = static_cast<unsigned>(r.count(f, fp, "threads"));
    c.overhead_per_task_s = r.optional_number(f, fp, "overhead_per_task_s");
    run.fork_join = c;
  }
}

// What the strategy declared of itself. A file written before strategies
// declared traits has none: those of the strategy registered under that
// name in this binary, else a stranger's (model "other").
StrategyTraits read_traits(const Reader& r, const json::object& o,
                           const std::string& path,
                           const std::string& strategy) {
  const json::value* v = o.if_contains("strategy_traits");
  if (!v) {
    const Strategy* known = Registry::instance().find_strategy(strategy);
    return known ? known->traits() : StrategyTraits{};
  }
  const std::string tp = Reader::join(path, "strategy_traits");
  const json::object& t = r.object(*v, tp);
  StrategyTraits traits;
  const std::string model = r.one_of(
      t, tp, "model",
      {"calling_thread", "event_loop", "event_loop_pool", "thread_per_op",
       "task_pool", "loop_and_pool", "pipeline", "other"});
  traits.model =
      execution_model_from_string(model).value_or(ExecutionModel::other);
  traits.baseline = r.boolean(t, tp, "baseline");
  traits.event_loop = r.boolean(t, tp, "event_loop");
  traits.blocking_workers = r.boolean(t, tp, "blocking_workers");
  traits.offloads_cpu = r.boolean(t, tp, "offloads_cpu");
  traits.one_thread = r.boolean(t, tp, "one_thread");
  const std::uint64_t simplicity = r.count(t, tp, "simplicity");
  if (simplicity > 1000)
    r.fail(Reader::join(tp, "simplicity"),
           fmt::format("is {}, expected 0..1000", simplicity));
  traits.simplicity = static_cast<int>(simplicity);
  return traits;
}

RunResult read_run(const Reader& r, const json::object& o,
                   const std::string& path) {
  RunResult run;
  run.workload = r.string(o, path, "workload");
  const std::string kind = r.one_of(o, path, "kind", {"io", "cpu", "hybrid"});
  run.kind = kind == "cpu"      ? WorkloadKind::cpu
             : kind == "hybrid" ? WorkloadKind::hybrid
                                : WorkloadKind::io;
  run.strategy = r.string(o, path, "strategy");
  run.strategy_traits = read_traits(r, o, path, run.strategy);
  if (o.if_contains("workload_optimized"))
    run.workload_optimized = r.boolean(o, path, "workload_optimized");
  // Every status apbench writes (results-schema.md), none taken for another.
  const std::string status =
      r.one_of(o, path, "status", {"ok", "n/a", "failed", "interrupted"});
  run.status = status == "ok"            ? RunStatus::ok
               : status == "n/a"         ? RunStatus::not_applicable
               : status == "interrupted" ? RunStatus::interrupted
                                         : RunStatus::failed;
  run.reason = r.string(o, path, "reason");
  run.params = r.pairs(o, path, "params");
  const std::string load_path = Reader::join(path, "load");
  run.load =
      read_load(r, r.object(r.at(o, path, "load"), load_path), load_path, run);
  run.seed = r.count(o, path, "seed");
  run.warmup = static_cast<unsigned>(
      r.bounded(o, path, "warmup", 0, std::numeric_limits<unsigned>::max()));

  const std::string samples_path = Reader::join(path, "repetition_samples");
  const auto& samples =
      r.array(r.at(o, path, "repetition_samples"), samples_path);
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const std::string sp = Reader::index(samples_path, i);
    const json::object& s = r.object(samples[i], sp);
    Repetition rep;
    rep.wall_s = r.in_range(s, sp, "wall_s", 0);
    rep.start_unix_s =
        r.optional_in_range(s, sp, "start_unix_s", 0, kMaxUnixS).value_or(0);
    rep.voluntary_switches = static_cast<std::int64_t>(
        optional_count(r, s, sp, "voluntary_switches"));
    rep.involuntary_switches = static_cast<std::int64_t>(
        optional_count(r, s, sp, "involuntary_switches"));
    rep.peak_threads =
        static_cast<unsigned>(optional_count(r, s, sp, "peak_threads"));
    rep.cpu_user_s = r.in_range(s, sp, "cpu_user_s", 0);
    rep.cpu_system_s = r.in_range(s, sp, "cpu_system_s", 0);
    rep.cpu_utilization = r.in_range(s, sp, "cpu_utilization", 0);
    rep.ops_ok = r.count(s, sp, "ops_ok");
    rep.errors = r.count(s, sp, "errors");
    rep.dropped = r.count(s, sp, "dropped");
    // A repetition that ran ops took time (one of a shard without ops
    // took none).
    if (rep.wall_s <= 0 && rep.ops_ok + rep.errors + rep.dropped > 0)
      r.fail(Reader::join(sp, "wall_s"),
             fmt::format("is {}, expected a time above 0 for a repetition "
                         "of {} ops",
                         rep.wall_s, rep.ops_ok + rep.errors + rep.dropped));
    rep.achieved_concurrency = r.in_range(s, sp, "achieved_concurrency", 0);
    rep.process = static_cast<unsigned>(optional_count(r, s, sp, "process"));
    rep.checksum = read_checksum(r, s, sp, "checksum").value_or(0);
    run.repetitions.push_back(rep);
  }
  // The count beside the samples agrees with them; an ok run was measured.
  if (o.if_contains("repetitions")) {
    const auto n = r.bounded(o, path, "repetitions", 0, kMaxRepetitions);
    if (n != samples.size())
      r.fail(Reader::join(path, "repetitions"),
             fmt::format("is {}, but repetition_samples has {}", n,
                         samples.size()));
  }
  if (samples.size() > kMaxRepetitions)
    r.fail(samples_path, fmt::format("has {} samples, expected at most {}",
                                     samples.size(), kMaxRepetitions));
  if (run.status == RunStatus::ok && samples.empty())
    r.fail(samples_path,
           "is empty, expected a sample per repetition of an "
           "ok run");
  const std::string wall_path = Reader::join(path, "wall_s");
  run.wall_s =
      read_summary(r, r.object(r.at(o, path, "wall_s"), wall_path), wall_path);
  const std::string tp_path = Reader::join(path, "throughput_ops_s");
  run.throughput_ops_s = read_summary(
      r, r.object(r.at(o, path, "throughput_ops_s"), tp_path), tp_path);
  run.wall_s.n = run.throughput_ops_s.n = run.repetitions.size();
  run.latency_s = read_latency(r, r.at(o, path, "latency_s"),
                               Reader::join(path, "latency_s"));
  const json::value& service = r.at(o, path, "service_time_s");
  if (!service.is_null())
    run.service_time_s =
        read_latency(r, service, Reader::join(path, "service_time_s"));
  if (const json::value* host = o.if_contains("host");
      host && host->is_string())
    run.host = std::string(host->get_string());
  if (const json::value* v = o.if_contains("latency_spectrum")) {
    const std::string sp = Reader::join(path, "latency_spectrum");
    const json::array& points = r.array(*v, sp);
    for (std::size_t i = 0; i < points.size(); ++i) {
      const std::string pp = Reader::index(sp, i);
      const json::object& p = r.object(points[i], pp);
      run.latency_spectrum.push_back({r.in_range(p, pp, "percentile", 0, 100),
                                      r.in_range(p, pp, "latency_s", 0)});
    }
  }
  run.latency_histogram = read_histogram(r, o, path, "latency_histogram_ns");
  run.service_time_histogram =
      read_histogram(r, o, path, "service_time_histogram_ns");
  if (const json::value* lag = o.if_contains("loop_lag_s");
      lag && !lag->is_null())
    run.loop_lag_s = read_latency(r, *lag, Reader::join(path, "loop_lag_s"));
  run.peak_rss_bytes = optional_count(r, o, path, "peak_rss_bytes");
  run.peak_threads =
      static_cast<unsigned>(optional_count(r, o, path, "peak_threads"));
  run.achieved_concurrency =
      r.optional_in_range(o, path, "achieved_concurrency", 0).value_or(0);
  const auto counts = [&](const char* key) {
    std::map<std::string, std::uint64_t> out;
    const json::value* v = o.if_contains(key);
    if (!v) return out;
    const std::string mp = Reader::join(path, key);
    for (const auto& kv : r.object(*v, mp)) {
      const json::value& n = kv.value();
      if (!n.is_uint64() && !(n.is_int64() && n.get_int64() >= 0))
        r.fail(Reader::join(mp, kv.key()), "is not a non-negative integer");
      out[std::string(kv.key())] = n.to_number<std::uint64_t>();
    }
    return out;
  };
  run.error_messages = counts("errors_by_message");
  run.errors_by_cause = counts("errors_by_cause");
  run.counters = counts("counters");  // absent in files before it existed
  if (o.if_contains("notes")) run.notes = r.pairs(o, path, "notes");
  run.cpu_time_s = r.in_range(o, path, "cpu_time_s", 0);
  run.cpu_utilization = r.in_range(o, path, "cpu_utilization", 0);
  if (const json::value* v = o.if_contains("context_switches")) {
    const std::string sp = Reader::join(path, "context_switches");
    const json::object& switches = r.object(*v, sp);
    run.voluntary_switches = r.in_range(switches, sp, "voluntary", 0);
    run.involuntary_switches = r.in_range(switches, sp, "involuntary", 0);
  }
  run.errors = r.count(o, path, "errors");
  run.dropped = r.count(o, path, "dropped");
  // Merging shards adds their checksums (sums of op digests).
  run.checksum = read_checksum(r, o, path, "checksum");
  if (const json::value* m = o.if_contains("checksum_mismatch");
      m && m->is_bool())
    run.checksum_mismatch = m->get_bool();
  run.ideal_s = r.optional_in_range(o, path, "ideal_s", 0);
  run.efficiency = r.optional_in_range(o, path, "efficiency", 0);
  run.speedup_vs_sequential =
      r.optional_in_range(o, path, "speedup_vs_sequential", 0);
  read_findings(r, o, path, run);
  return run;
}

Series read_series(const Reader& r, const json::object& o,
                   const std::string& path, std::size_t run_count) {
  Series s;
  s.workload = r.string(o, path, "workload");
  s.strategy = r.string(o, path, "strategy");
  s.params = r.pairs(o, path, "params");
  s.x = r.string(o, path, "x");
  // A --set sweep's (files before it have neither).
  const auto optional_text =
      [&](const json::object& from,
          const char* key) -> std::optional<std::string> {
    const json::value* v = from.if_contains(key);
    if (v && v->is_string()) return std::string(v->as_string());
    return std::nullopt;
  };
  s.parameter = optional_text(o, "parameter").value_or("");
  s.parameter_unit = optional_text(o, "parameter_unit").value_or("");
  const std::string points_path = Reader::join(path, "points");
  const auto& points = r.array(r.at(o, path, "points"), points_path);
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string pp = Reader::index(points_path, i);
    const json::object& p = r.object(points[i], pp);
    SeriesPoint point;
    point.run_index = r.count(p, pp, "run_index");
    if (point.run_index >= run_count)
      r.fail(Reader::join(pp, "run_index"),
             fmt::format("is {}, but there are {} runs", point.run_index,
                         run_count));
    point.offered_rate_ops_s = r.optional_number(p, pp, "offered_rate_ops_s");
    if (const auto c = r.optional_in_range(p, pp, "concurrency", 0, kMaxOps))
      point.concurrency = static_cast<std::size_t>(*c);
    point.throughput_ops_s = r.in_range(p, pp, "throughput_ops_s", 0);
    point.parameter_value = optional_text(p, "parameter_value");
    if (const json::value* v = p.if_contains("parameter_number");
        v && v->is_number())
      point.parameter_number = v->to_number<double>();
    if (const json::value* v = p.if_contains("ideal_s"); v && v->is_number())
      point.ideal_s = v->to_number<double>();
    point.latency_s = read_latency(r, r.at(p, pp, "latency_s"),
                                   Reader::join(pp, "latency_s"));
    point.slo_latency_s = r.optional_number(p, pp, "slo_latency_s");
    const json::value& meets = r.at(p, pp, "meets_slo");
    if (meets.is_bool()) point.meets_slo = meets.get_bool();
    s.points.push_back(point);
  }
  const json::value& knee = r.at(o, path, "knee");
  if (!knee.is_null()) {
    const std::string kp = Reader::join(path, "knee");
    const json::object& k = r.object(knee, kp);
    Knee out;
    out.throughput_ops_s = r.in_range(k, kp, "throughput_ops_s", 0);
    out.offered_rate_ops_s = r.optional_number(k, kp, "offered_rate_ops_s");
    if (const auto c = r.optional_in_range(k, kp, "concurrency", 0, kMaxOps))
      out.concurrency = static_cast<std::size_t>(*c);
    out.latency_s = r.in_range(k, kp, "latency_s", 0);
    out.percentile = r.in_range(k, kp, "percentile", 0, 100);
    s.knee = out;
  }
  s.max_throughput_ops_s = r.in_range(o, path, "max_throughput_ops_s", 0);
  s.stopped_early = r.string(o, path, "stopped_early");
  return s;
}

// What `st` is, for a line refusing it ("a FIFO (named pipe)").
std::string file_type(const struct stat& st) {
  if (S_ISDIR(st.st_mode)) return "a directory";
  if (S_ISFIFO(st.st_mode)) return "a FIFO (named pipe)";
  if (S_ISCHR(st.st_mode)) return "a character device";
  if (S_ISBLK(st.st_mode)) return "a block device";
  if (S_ISSOCK(st.st_mode)) return "a socket";
  return "not a regular file";
}

[[noreturn]] void refuse_input(const std::string& path,
                               const std::string& what) {
  throw ResultsFormatError(fmt::format(
      "'{}' is {}: expected a results file of apbench --json (a regular "
      "file of at most {})",
      path, what, "1 GiB"));
}

Results parse_results(const std::string& text, const std::string& source);

}  // namespace

Results read_json(std::istream& in, const std::string& source) {
  std::stringstream buffer;
  buffer << in.rdbuf();
  return parse_results(buffer.str(), source);
}

Results read_json_file(const std::string& path) {
  const auto cannot = [&](int error) {
    return ResultsFormatError(
        fmt::format("cannot read '{}': {}", path, std::strerror(error)));
  };
  // Looked at before it is opened (opening a FIFO would wait for a
  // writer), and again once open (O_NONBLOCK: what the path names may have
  // changed meanwhile).
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw cannot(errno);
  if (!S_ISREG(st.st_mode)) refuse_input(path, file_type(st));
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) throw cannot(errno);
  std::string text;
  int error = 0;
  if (::fstat(fd, &st) != 0) {
    error = errno;
  } else if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    refuse_input(path, file_type(st));
  } else if (static_cast<std::uint64_t>(st.st_size) > kMaxResultsFileBytes) {
    ::close(fd);
    refuse_input(path, fmt::format("{} bytes", st.st_size));
  } else {
    // A file whose size says 0 (/proc) may still hold more: read up to the
    // cap and one byte past it.
    char chunk[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error = errno;
        break;
      }
      if (n == 0) break;
      text.append(chunk, static_cast<std::size_t>(n));
      if (text.size() > kMaxResultsFileBytes) {
        ::close(fd);
        refuse_input(path, "larger than 1 GiB");
      }
    }
  }
  ::close(fd);
  if (error != 0) throw cannot(error);
  return parse_results(text, path);
}

namespace {

Results parse_results(const std::string& text, const std::string& source) {
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  if (ec)
    throw ResultsFormatError(
        fmt::format("'{}' is not JSON ({}); expected a results file of "
                    "apbench --json",
                    source, ec.message()));
  const json::object* root = doc.if_object();
  const json::value* schema = root ? root->if_contains("schema") : nullptr;
  if (!schema || !schema->is_string() ||
      !schema->get_string().starts_with("apbench.results/"))
    throw ResultsFormatError(fmt::format(
        "'{}' is not an apbench results file (no \"schema\": "
        "\"apbench.results/1\"; write one with apbench --json FILE)",
        source));
  if (schema->get_string() != Results::schema)
    throw ResultsFormatError(fmt::format(
        "'{}' has schema '{}', which this apbench cannot read (it reads {})",
        source, std::string_view(schema->get_string()), Results::schema));

  const Reader r(source);
  Results results;
  if (const json::value* v = root->if_contains("interrupted");
      v && v->is_bool())
    results.interrupted = v->get_bool();
  results.context = read_context(
      r, r.object(r.at(*root, "", "context"), "context"), "context");
  const auto& runs = r.array(r.at(*root, "", "runs"), "runs");
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const std::string path = Reader::index("runs", i);
    results.runs.push_back(read_run(r, r.object(runs[i], path), path));
    // A run's cores are the machine's: the file keeps them once, in the
    // context (ideal speed-ups and efficiencies need them); a run of a
    // merge --by host has its host's, kept in context.shards.
    RunResult& run = results.runs.back();
    run.cores = results.context.cores;
    for (const ShardRecord& rec : results.context.shards)
      if (!run.host.empty() && rec.host == run.host && rec.cores > 0)
        run.cores = rec.cores;
  }
  const json::value& slo = r.at(*root, "", "slo");
  if (!slo.is_null()) {
    const json::object& o = r.object(slo, "slo");
    results.slo = Slo{r.in_range(o, "slo", "percentile", 0, 100),
                      r.in_range(o, "slo", "limit_s", 0)};
  }
  const auto& series = r.array(r.at(*root, "", "series"), "series");
  for (std::size_t i = 0; i < series.size(); ++i) {
    const std::string path = Reader::index("series", i);
    results.series.push_back(
        read_series(r, r.object(series[i], path), path, results.runs.size()));
    // A sweep that stopped early says why on its series; analyse() rebuilds
    // the series from the runs and takes the reason from early_stops.
    const Series& read = results.series.back();
    if (!read.stopped_early.empty() && !read.points.empty())
      results.early_stops.push_back(
          {std::max_element(read.points.begin(), read.points.end(),
                            [](const SeriesPoint& a, const SeriesPoint& b) {
                              return a.run_index < b.run_index;
                            })
               ->run_index,
           read.stopped_early});
  }
  return results;
}

}  // namespace

}  // namespace apb
