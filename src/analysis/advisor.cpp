#include "apbench/advisor.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "analysis/run_groups.hpp"
#include "apbench/stats.hpp"
#include "apbench/units.hpp"
#include "text/quantities.hpp"

namespace apb {
namespace {

// Simpler first, as each strategy declares: one thread, then one pool,
// then more moving parts.
int simplicity(const RunResult& r) { return r.strategy_traits.simplicity; }

// The strategy that overlaps waits on one event-loop thread (async), the
// point of comparison for CPU-bound work: coroutines add no cores.
const RunResult* one_loop_thread(const std::vector<const RunResult*>& ok) {
  for (const auto* r : ok)
    if (r->strategy_traits.event_loop && r->strategy_traits.one_thread)
      return r;
  return nullptr;
}

const Diagnosis* diagnosis(const RunResult& r, std::string_view kind) {
  for (const auto& d : r.diagnoses)
    if (d.kind == kind) return &d;
  return nullptr;
}

// Share of the ops' time spent not computing: 1 - CPU time / op time.
double wait_share(const RunResult& r) {
  const double per_rep_ops =
      r.repetitions.empty() ? 0
                            : static_cast<double>(r.latency_s.count) /
                                  static_cast<double>(r.repetitions.size());
  const double op_time = r.latency_s.mean * per_rep_ops;
  if (op_time <= 0) return 0;
  return std::clamp(1.0 - r.cpu_time_s / op_time, 0.0, 1.0);
}

// What the ops' waiting time was spent on: waiting for I/O, or for a core
// (queued behind other ops' computing on too few cores, or for the loop
// thread) — both look the same in 1 - CPU / op time.
struct Waits {
  double io = 0;    // share of op time
  double core = 0;  // share of op time
};

Waits waits(const RunResult& r, const std::vector<const RunResult*>& group) {
  const double total = wait_share(r);
  if (!r.stages.empty()) {
    // A pipeline times its stages, but an I/O stage's time also holds the
    // wait for a thread to resume the op once the I/O is done (a busy loop
    // or pool). The least time any strategy of the group spent in a stage
    // is its own cost; everything above it, and the time queued before
    // stages, is waiting for a core or a thread.
    double io = 0, op = 0;
    for (const auto& stage : r.stages) {
      op += stage.time_s + stage.queue_s;
      if (stage.kind != "io") continue;
      double own = stage.time_s;
      for (const RunResult* other : group)
        for (const auto& s : other->stages)
          if (s.name == stage.name && s.time_s > 0)
            own = std::min(own, s.time_s);
      io += own;
    }
    if (op > 0) {
      const double io_share = std::min(total, io / op);
      return {io_share, std::max(0.0, total - io_share)};
    }
  }
  // Otherwise: with the cores the strategy computes on all busy, ops that
  // are not computing wait for one; with cores idle, they wait for I/O.
  const unsigned usable =
      std::max(1u, std::min(r.cores, r.compute_threads > 0 ? r.compute_threads
                                                           : r.load.threads));
  const bool saturated = r.cpu_utilization * r.cores >= 0.9 * usable;
  return saturated ? Waits{0, total} : Waits{total, 0};
}

std::string why(const RunResult& best,
                const std::vector<const RunResult*>& ok) {
  const std::string cpu =
      fmt::format("CPU use {} of {} cores",
                  format_percent(best.cpu_utilization), best.cores);
  const RunResult* async = one_loop_thread(ok);
  std::string reason;
  // Advised when the strategies that overlap ops failed too many of them.
  const bool one_at_a_time = best.strategy_traits.baseline;
  if (best.stage_overlap && best.strategy_traits.offloads_cpu) {
    reason = fmt::format(
        "waits overlap on the io thread while processing is split over {} "
        "cores (CPU busy {}, I/O waiting {}, both {} of the wall)",
        best.cores, format_percent(best.stage_overlap->cpu_busy),
        format_percent(best.stage_overlap->io_wait),
        format_percent(best.stage_overlap->both));
  } else if (const Waits w = waits(best, ok); w.io >= 0.8 && one_at_a_time) {
    reason = fmt::format(
        "ops spend {} of their time waiting for I/O ({}): {} waits for one "
        "op at a time",
        format_percent(w.io), cpu, best.strategy);
  } else if (w.io >= 0.8) {
    reason = fmt::format(
        "ops spend {} of their time waiting for I/O ({}): {} overlaps the "
        "waits{}",
        format_percent(w.io), cpu, best.strategy,
        best.strategy_traits.event_loop && best.strategy_traits.one_thread
            ? " on one thread"
            : "");
  } else if (best.cpu_utilization >= 0.6 || w.core >= 0.5) {
    // Its workers held by blocking waits do not keep the cores busy: the
    // advice says what its own diagnosis says.
    const bool held =
        diagnosis(best, "blocked_workers") || diagnosis(best, "starvation");
    reason =
        fmt::format("the work is CPU-bound ({}): {}", cpu,
                    one_at_a_time ? best.strategy + " computes one op at a time"
                    : held        ? best.strategy +
                                 " is fastest even with its workers "
                                 "held by blocking waits (see its diagnosis)"
                           : best.strategy + " keeps the cores busy");
    if (w.core >= 0.2)
      reason +=
          fmt::format(" (ops wait {} of their time for a core, not for I/O)",
                      format_percent(w.core));
    if (async && async != &best && async->speedup_vs_sequential)
      reason += fmt::format(", while {} (one thread) reaches {:.2f}x",
                            async->strategy, *async->speedup_vs_sequential);
  } else {
    reason = fmt::format("{} with {:.1f} ops in flight on average", cpu,
                         best.achieved_concurrency);
  }
  // The advised run's own pathology is named, never contradicted.
  for (const auto& d : best.diagnoses)
    if (reason.find("diagnosis") == std::string::npos) {
      reason += fmt::format("; mind its {} diagnosis: {}", d.kind,
                            d.message.substr(0, d.message.find(':')));
      break;
    }
  // The pathology that holds back a rival is part of the reason.
  for (const auto* r : ok) {
    if (r == &best) continue;
    if (const auto* d = diagnosis(*r, "loop_lag")) {
      reason += fmt::format("; {} suffers {}", r->strategy,
                            d->message.substr(0, d->message.find(':')));
      break;
    }
  }
  for (const auto* r : ok) {
    if (r == &best) continue;
    if (diagnosis(*r, "starvation")) {
      reason += fmt::format(
          "; {} runs only {:.1f} of {} ops at once (blocked workers)",
          r->strategy, r->achieved_concurrency,
          r->load.requested_concurrency());
      break;
    }
  }
  return reason;
}

// "while threads completes all its ops" / "fails only 0.4 % of its ops".
std::string completes(const RunResult& r) {
  if (r.errors == 0) return r.strategy + " completes all its ops";
  const std::string cause = main_error_cause(r);
  return fmt::format("{} fails only {} of its ops{}", r.strategy,
                     format_error_rate(error_rate(r)),
                     cause.empty() ? "" : " (mostly " + cause + ")");
}

// Why faster runs were not advised: "async is 1.40x faster but 12.0 % of
// its ops failed (mostly timeout), while threads completes all its ops".
std::string passed_over_text(const RunResult& best,
                             const std::vector<const RunResult*>& passed) {
  const RunResult& first = *passed.front();
  std::string text =
      fmt::format("{} is {:.2f}x faster but {}, while {}", first.strategy,
                  goodput_wall_s(best) / goodput_wall_s(first),
                  errors_clause(first), completes(best));
  for (std::size_t i = 1; i < passed.size(); ++i)
    text += fmt::format("; so is {} ({:.2f}x, {} of its ops failed)",
                        passed[i]->strategy,
                        goodput_wall_s(best) / goodput_wall_s(*passed[i]),
                        format_error_rate(error_rate(*passed[i])));
  return text;
}

// How far ahead the advised run is of the runner-up (or, chosen for being
// simpler, how close to the fastest).
std::string margin(const Advice& a, const RunResult& best,
                   const RunResult& fastest) {
  if (a.significant)
    return fmt::format("{:.2f}x faster than {} (95 % CI {:.2f}-{:.2f}x)",
                       a.ratio, a.runner_up, a.ci95_low, a.ci95_high);
  if (&best != &fastest)
    return fmt::format(
        "as fast as {} ({:.2f}x, not a significant difference) and simpler",
        fastest.strategy, goodput_wall_s(best) / goodput_wall_s(fastest));
  return fmt::format("ahead of {} by {:.2f}x, not significantly", a.runner_up,
                     a.ratio);
}

}  // namespace

std::vector<Advice> advise(const std::vector<RunResult>& runs) {
  const auto groups = closed_loop_groups(runs);
  std::vector<Advice> out;
  for (const auto& g : groups) {
    std::vector<const RunResult*> ok;
    for (const RunResult* r : g)
      if (r->status == RunStatus::ok && goodput_wall_s(*r) > 0) ok.push_back(r);
    if (ok.size() < 2) continue;
    // Fastest first by goodput: a run is as fast as the ops it completed.
    std::stable_sort(ok.begin(), ok.end(), [](auto* a, auto* b) {
      return goodput_wall_s(*a) < goodput_wall_s(*b);
    });
    // Runs over the error limit compete only when no run stayed within it.
    const std::vector<const RunResult*> eligible = contenders(ok);
    const bool all_over_limit = error_rate(*eligible.front()) > kErrorRateLimit;

    // The simplest among those not clearly slower than the fastest.
    const RunResult* fastest = eligible.front();
    const RunResult* best = fastest;
    for (const auto* r : eligible) {
      const auto ratio = compare_ratio(goodput_wall_samples(*r),
                                       goodput_wall_samples(*fastest));
      const double slower = goodput_wall_s(*r) / goodput_wall_s(*fastest);
      const bool tied =
          r == fastest || slower < 1.03 || (!ratio.significant && slower < 1.1);
      if (tied && simplicity(*r) < simplicity(*best)) best = r;
    }
    std::vector<const RunResult*> passed;  // faster, over the error limit
    if (!all_over_limit)
      for (const auto* r : ok)
        if (goodput_wall_s(*r) < goodput_wall_s(*best) &&
            error_rate(*r) > kErrorRateLimit)
          passed.push_back(r);
    // The next within the limit; else the fastest of the others.
    const RunResult* rival = nullptr;
    for (const auto* r : eligible)
      if (r != best) {
        rival = r;
        break;
      }
    if (!rival)
      for (const auto* r : ok)
        if (r != best) {
          rival = r;
          break;
        }

    Advice a;
    a.first_run = static_cast<std::size_t>(g.front() - runs.data());
    a.workload = best->workload;
    a.best = best->strategy;
    a.runner_up = rival->strategy;
    const auto ratio = slower_by(*rival, *best);
    a.ratio = ratio.ratio;
    a.ci95_low = ratio.ci95_low;
    a.ci95_high = ratio.ci95_high;
    a.significant = ratio.significant && a.ratio > 1;
    a.error_rate = error_rate(*best);
    for (const auto* r : passed) a.passed_over.push_back(r->strategy);
    a.reason = why(*best, ok);

    std::vector<std::string> parts;
    if (!passed.empty()) parts.push_back(passed_over_text(*best, passed));
    // A runner-up passed over for its errors is said above.
    if (std::find(passed.begin(), passed.end(), rival) == passed.end())
      parts.push_back(margin(a, *best, *fastest));
    if (all_over_limit) {
      const std::string cause = main_error_cause(*best);
      parts.push_back(fmt::format(
          "every strategy failed more than {} of its ops ({} {}{}): "
          "speeds count only the ops that succeeded",
          format_percent(kErrorRateLimit), best->strategy,
          format_error_rate(a.error_rate),
          cause.empty() ? "" : ", mostly " + cause));
    } else if (passed.empty() && best->errors > 0) {
      parts.push_back(errors_clause(*best));
    }
    std::string text = "use " + a.best + ":";
    for (std::size_t i = 0; i < parts.size(); ++i)
      text += (i == 0 ? " " : "; ") + parts[i];
    a.text = fmt::format("{}; {}.", text, a.reason);
    out.push_back(std::move(a));
  }
  return out;
}

}  // namespace apb
