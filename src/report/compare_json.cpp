// apbench compare as JSON: schema "apbench.compare/1"
// (docs/compare-schema.md), printed like the results files.
#include <boost/json.hpp>
#include <cmath>
#include <ostream>

#include "apbench/compare_report.hpp"
#include "results/json_text.hpp"

namespace apb {
namespace {

namespace json = boost::json;

// Finite numbers as numbers, everything else as null.
template <typename T>
json::value number(const T& value) {
  return results_detail::json_number(value);
}

json::object params_object(
    const std::vector<std::pair<std::string, std::string>>& params) {
  json::object o;
  for (const auto& [name, value] : params) o[name] = value;
  return o;
}

json::object load_object(const Load& load) {
  json::object o;
  o["mode"] = to_string(load.mode);
  o["ops"] = static_cast<std::uint64_t>(load.ops);
  o["concurrency"] = static_cast<std::uint64_t>(
      load.open() ? load.concurrency : load.requested_concurrency());
  o["threads"] = load.threads;
  o["rate_ops_s"] = load.open() ? number(load.rate) : json::value(nullptr);
  return o;
}

json::object identity_object(const RunIdentity& r) {
  json::object o;
  o["workload"] = r.workload;
  o["strategy"] = r.strategy;
  o["params"] = params_object(r.params);
  o["load"] = load_object(r.load);
  return o;
}

json::object side_object(const CompareSide& s) {
  json::object o;
  o["run_index"] = static_cast<std::uint64_t>(s.run_index);
  o["repetitions"] = static_cast<std::uint64_t>(s.repetitions);
  o["wall_s"] = number(s.wall_s);
  o["throughput_ops_s"] = number(s.throughput_ops_s);
  o["p99_s"] = number(s.p99_s);
  o["error_rate"] = number(s.error_rate);
  o["failed_ops"] = s.failed_ops;
  o["finished_ops"] = s.finished_ops;
  return o;
}

json::value knee_object(const std::optional<Knee>& knee) {
  if (!knee) return nullptr;
  json::object o;
  o["throughput_ops_s"] = number(knee->throughput_ops_s);
  o["offered_rate_ops_s"] = number(knee->offered_rate_ops_s);
  o["concurrency"] =
      knee->concurrency
          ? json::value(static_cast<std::uint64_t>(*knee->concurrency))
          : json::value(nullptr);
  o["latency_s"] = number(knee->latency_s);
  o["percentile"] = number(knee->percentile);
  return o;
}

json::object file_object(const FileComparison& f) {
  json::object o;
  o["base"] = f.base_source;
  o["new"] = f.candidate_source;
  json::array differences;
  for (const auto& d : f.context_differences) {
    json::object item;
    item["field"] = d.field;
    item["base"] = d.base;
    item["new"] = d.candidate;
    differences.push_back(std::move(item));
  }
  o["context_differences"] = std::move(differences);
  json::array unfit;
  for (const auto& u : f.unfit) unfit.push_back(json::string(u));
  o["unfit"] = std::move(unfit);
  json::array noise;
  for (const auto& n : f.noise) noise.push_back(json::string(n));
  o["noise"] = std::move(noise);
  json::array one_process;
  for (const auto& n : f.one_process) one_process.push_back(json::string(n));
  o["one_process"] = std::move(one_process);
  o["tests"] = static_cast<std::uint64_t>(f.tests);
  o["error_tests"] = static_cast<std::uint64_t>(f.error_tests);

  json::array runs;
  for (const auto& c : f.runs) {
    json::object item = identity_object(c.run);
    item["metric"] = c.metric;
    item["base"] = side_object(c.base);
    item["new"] = side_object(c.candidate);
    item["ratio"] = number(c.ratio);
    item["ci95_low"] = number(c.ci95_low);
    item["ci95_high"] = number(c.ci95_high);
    item["p_value"] = number(c.p_value);
    item["p_adjusted"] = number(c.p_adjusted);
    item["exact"] = c.exact;
    item["error_p_value"] = number(c.error_p_value);
    item["error_p_adjusted"] = number(c.error_p_adjusted);
    item["verdict"] = to_string(c.verdict);
    item["note"] = c.note;
    runs.push_back(std::move(item));
  }
  o["runs"] = std::move(runs);

  json::array series;
  for (const auto& s : f.series) {
    json::object item;
    item["workload"] = s.workload;
    item["strategy"] = s.strategy;
    item["params"] = params_object(s.params);
    item["x"] = s.x;
    json::object base, candidate;
    base["knee"] = knee_object(s.base_knee);
    base["max_throughput_ops_s"] = number(s.base_max_throughput_ops_s);
    candidate["knee"] = knee_object(s.candidate_knee);
    candidate["max_throughput_ops_s"] =
        number(s.candidate_max_throughput_ops_s);
    item["base"] = std::move(base);
    item["new"] = std::move(candidate);
    series.push_back(std::move(item));
  }
  o["series"] = std::move(series);

  const auto identities = [](const std::vector<RunIdentity>& runs) {
    json::array out;
    for (const auto& r : runs) out.push_back(identity_object(r));
    return out;
  };
  o["only_in_base"] = identities(f.only_in_base);
  o["only_in_new"] = identities(f.only_in_candidate);
  o["regression"] = f.regression();
  return o;
}

}  // namespace

void write_compare_json(std::ostream& out, const Comparison& comparison) {
  json::object root;
  root["schema"] = Comparison::schema;
  json::object options;
  options["threshold"] = number(comparison.options.threshold);
  options["alpha"] = number(comparison.options.alpha);
  options["p_adjust"] = to_string(comparison.options.p_adjust);
  json::array ignored;
  for (const auto& name : comparison.options.ignore_params)
    ignored.push_back(json::string(name));
  options["ignore_params"] = std::move(ignored);
  root["options"] = std::move(options);
  root["regression"] = comparison.regression();
  json::array files;
  for (const auto& f : comparison.files) files.push_back(file_object(f));
  root["comparisons"] = std::move(files);
  results_detail::write_pretty_json(out, root);
}

}  // namespace apb
