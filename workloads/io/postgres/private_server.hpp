#pragma once
// io.postgres's private PostgreSQL: initdb into a temporary folder, the
// server listening on 127.0.0.1 at a free port and on a Unix socket in that
// folder, trust authentication for those only. Started once per process
// (the first run that needs it) and stopped at exit. As root (initdb
// refuses root) it runs as the package's unprivileged `postgres` user.
//
// Nothing outlives apbench: a watchdog process (a shell reading a socket
// whose other end only apbench holds) sees it close when apbench ends however
// it ends, SIGKILL included, and then stops the server and removes the folder;
// a normal stop tells it first that there is nothing left to do.
#include <sys/types.h>

#include <memory>
#include <string>

namespace apb::postgres {

class PrivateServer {
 public:
  // The process's server, started on first use; throws apb::UsageError
  // when PostgreSQL's server programs are missing, std::runtime_error when
  // the server cannot be started (the reason and the log's last lines).
  static PrivateServer& shared();

  ~PrivateServer();
  PrivateServer(const PrivateServer&) = delete;
  PrivateServer& operator=(const PrivateServer&) = delete;

  // libpq connection strings: over TCP on 127.0.0.1, or the Unix socket.
  std::string tcp_conninfo() const;
  std::string unix_conninfo() const;
  // For the run's notes: version, addresses, user, settings, start-up time.
  std::string description() const;
  double startup_seconds() const { return startup_seconds_; }
  const std::string& folder() const { return folder_; }
  pid_t pid() const { return server_pid_; }

 private:
  PrivateServer();
  void start();
  void stop() noexcept;

  std::string bindir_, version_, folder_, run_as_;
  unsigned short port_ = 0;
  pid_t server_pid_ = -1;
  pid_t watchdog_pid_ = -1;
  int watchdog_pipe_ = -1;  // our end; closed without "done": clean up
  double startup_seconds_ = 0;
};

}  // namespace apb::postgres
