#include "signals.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace apb::cli {
namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
int wake_fd = -1;  // the pipe's write end, for the handler

extern "C" void on_signal(int signal) {
  const int saved = errno;  // a handler must leave errno as it found it
  const auto byte = static_cast<unsigned char>(signal);
  [[maybe_unused]] const auto n = ::write(wake_fd, &byte, 1);
  errno = saved;
}

const char* signal_name(int signal) {
  switch (signal) {
    case SIGINT:
      return "Ctrl-C (SIGINT)";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
  }
  return "a signal";
}

}  // namespace

SignalWatcher::SignalWatcher(bool tty, std::function<void(int)> exit_now,
                             std::chrono::milliseconds grace, bool announce)
    : tty_(tty), announce_(announce), exit_now_(std::move(exit_now)) {
  if (::pipe2(pipe_, O_CLOEXEC) != 0)
    throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  wake_fd = pipe_[1];
  thread_ = std::thread([this, grace] { watch(grace); });
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  for (int s : kSignals) ::sigaction(s, &action, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

SignalWatcher::~SignalWatcher() {
  for (int s : kSignals) std::signal(s, SIG_DFL);
  const unsigned char quit = 0;
  [[maybe_unused]] const auto n = ::write(pipe_[1], &quit, 1);
  thread_.join();
  wake_fd = -1;
  ::close(pipe_[0]);
  ::close(pipe_[1]);
}

void SignalWatcher::watch(std::chrono::milliseconds grace) {
  for (;;) {
    pollfd p{pipe_[0], POLLIN, 0};
    // Once stopping, wait only so long for the run to end.
    const bool waiting = first_.load() != 0 && !done_.load();
    const int ready =
        ::poll(&p, 1, waiting ? static_cast<int>(grace.count()) : -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      if (done_.load()) continue;
      fmt::print(stderr,
                 "apbench: the run did not stop within {} s; exiting with "
                 "what was measured\n",
                 grace.count() / 1000.0);
      exit_now_(first_.load());
      return;
    }
    unsigned char signal = 0;
    if (::read(pipe_[0], &signal, 1) != 1) continue;
    if (signal == 0) return;  // the destructor
    int expected = 0;
    // Before first_: a reader that sees the signal sees its time too.
    if (first_.load() == 0)
      first_at_.store(
          std::chrono::steady_clock::now().time_since_epoch().count());
    if (first_.compare_exchange_strong(expected, signal)) {
      if (announce_)
        fmt::print(stderr,
                   "{}apbench: {} received: stopping the current repetition "
                   "and writing the results so far ({} again exits at once)\n",
                   tty_ ? "\r\033[K" : "", signal_name(signal),
                   signal == SIGINT ? "Ctrl-C" : "the signal");
      std::fflush(stderr);
      stop_.request_stop();
      continue;
    }
    fmt::print(stderr, "{}apbench: {} again: exiting at once\n",
               tty_ ? "\r\033[K" : "", signal_name(signal));
    exit_now_(first_.load());
    return;
  }
}

}  // namespace apb::cli
