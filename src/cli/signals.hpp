#pragma once
// Ctrl-C, SIGTERM and SIGHUP for the command line. The handler only wakes a
// watcher thread (through a pipe); the thread does the rest outside signal
// context: on the first signal it says so on stderr and requests a stop
// (the engine ends the repetition in progress and the session writes what
// was measured); on a second signal, or when the run has not stopped a few
// seconds after the first, it calls `exit_now` (write what there is, then
// _exit). SIGPIPE is ignored, so a closed stdout is a failed write.
#include <atomic>
#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <thread>

namespace apb::cli {

class SignalWatcher {
 public:
  // `exit_now(signal)` runs on the watcher thread and must not return.
  // `announce`: say on stderr what a signal does (false: quietly).
  SignalWatcher(bool tty, std::function<void(int)> exit_now,
                std::chrono::milliseconds grace = std::chrono::seconds(3),
                bool announce = true);
  ~SignalWatcher();  // restores the default handlers
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

  std::stop_token stop_token() const { return stop_.get_token(); }
  // The first signal received, or 0.
  int received() const { return first_.load(); }
  // When the first signal was received; nullopt before.
  std::optional<std::chrono::steady_clock::time_point> received_at() const {
    if (first_.load() == 0) return std::nullopt;
    return std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(first_at_.load()));
  }
  // The run has stopped: the grace period no longer applies.
  void measuring_done() { done_.store(true); }

  // 128 + the signal: the exit status a shell shows for it.
  static int exit_status(int signal) { return 128 + signal; }

 private:
  void watch(std::chrono::milliseconds grace);

  bool tty_;
  bool announce_;
  std::function<void(int)> exit_now_;
  std::stop_source stop_;
  std::atomic<int> first_{0};
  std::atomic<std::chrono::steady_clock::rep> first_at_{0};
  std::atomic<bool> done_{false};
  int pipe_[2] = {-1, -1};
  std::thread thread_;
};

}  // namespace apb::cli
