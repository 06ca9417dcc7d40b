#pragma once
// A failure of a run that is not one op's: a workload whose own machinery
// cannot go on (its in-process server stopped accepting, a helper thread
// died) reports it here, from any thread. The run then ends `failed` with
// that reason at once, instead of its ops failing one by one (timing out)
// until the repetitions end. RunSetup::failure hands one to every setup().
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

namespace apb {

class RunFailure {
 public:
  // Records `reason` (the first one given is kept) and stops the repetition
  // in progress: its ops are abandoned as on Ctrl-C, no further repetition
  // runs, and the run is `failed` with `reason`. Thread-safe; may be called
  // before, during or between repetitions.
  void fail(std::string reason);
  bool failed() const { return stop_.stop_requested(); }
  // The first reason given, or nullopt.
  std::optional<std::string> reason() const;
  // Requested by fail(): what the runner ends a repetition on.
  std::stop_token stop_token() const { return stop_.get_token(); }

 private:
  mutable std::mutex mutex_;
  std::optional<std::string> reason_;
  std::stop_source stop_;
};

}  // namespace apb
