#include "private_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "apbench/error.hpp"
#include "libpq.hpp"

namespace apb::postgres {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The connections a run may open on the private server, and its limit.
constexpr int kMaxConnections = 300;

// The newest /usr/lib/postgresql/<major>/bin with both programs, or
// $APBENCH_PG_BINDIR.
std::string find_bindir() {
  const auto usable = [](const fs::path& dir) {
    return ::access((dir / "initdb").c_str(), X_OK) == 0 &&
           ::access((dir / "postgres").c_str(), X_OK) == 0;
  };
  if (const char* env = std::getenv("APBENCH_PG_BINDIR"); env && *env) {
    if (usable(env)) return env;
    throw UsageError(fmt::format(
        "APBENCH_PG_BINDIR='{}' has no initdb and postgres programs", env));
  }
  std::optional<std::pair<int, fs::path>> best;
  std::error_code ec;
  for (fs::directory_iterator it("/usr/lib/postgresql", ec), end;
       !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != name.npos)
      continue;
    const int major = std::atoi(name.c_str());
    if (usable(it->path() / "bin") && (!best || major > best->first))
      best.emplace(major, it->path() / "bin");
  }
  if (!best)
    throw UsageError(
        "io.postgres needs PostgreSQL's server programs (initdb, postgres) "
        "for its private server: install Debian's postgresql package "
        "(scripts/setup.sh does), or give --set target=postgresql://...");
  return best->second.string();
}

unsigned short free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error("socket() failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    throw std::runtime_error("no free port on 127.0.0.1");
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

struct Identity {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
};

// initdb refuses root: as root, the server runs as the package's user.
Identity server_identity() {
  Identity id;
  if (::geteuid() != 0) return id;
  const passwd* pw = ::getpwnam("postgres");
  if (pw == nullptr)
    throw std::runtime_error(
        "apbench runs as root and there is no `postgres` user to run the "
        "private server as (initdb refuses root): install Debian's "
        "postgresql package, or run apbench as another user");
  id.switch_user = true;
  id.uid = pw->pw_uid;
  id.gid = pw->pw_gid;
  id.name = "postgres";
  return id;
}

// Starts argv[0] with stdout and stderr into `log_fd`, stdin from
// `stdin_fd` (or /dev/null), in a session of its own (a Ctrl-C meant for
// apbench does not reach it), as `id`. Only async-signal-safe calls
// between fork and exec: apbench has threads.
pid_t spawn(const std::vector<std::string>& args, int log_fd, int stdin_fd,
            const Identity& id, const std::string& cwd) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const pid_t pid = ::fork();
  if (pid < 0) {
    if (devnull >= 0) ::close(devnull);
    throw std::runtime_error("fork() failed");
  }
  if (pid == 0) {
    ::setsid();
    ::dup2(stdin_fd >= 0 ? stdin_fd : devnull, 0);
    ::dup2(log_fd, 1);
    ::dup2(log_fd, 2);
    ::close_range(3, ~0U, 0);
    if (id.switch_user && (::setgroups(0, nullptr) != 0 ||
                           ::setgid(id.gid) != 0 || ::setuid(id.uid) != 0))
      ::_exit(126);
    if (::chdir(cwd.c_str()) != 0) ::_exit(126);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  if (devnull >= 0) ::close(devnull);
  return pid;
}

std::string log_tail(const fs::path& log, std::size_t lines) {
  std::ifstream in(log);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) all.push_back(line);
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0;
       i < all.size(); ++i)
    out += (out.empty() ? "" : " | ") + all[i];
  return out.empty() ? "(empty log)" : out;
}

void give_to(const fs::path& path, const Identity& id) {
  if (id.switch_user && ::chown(path.c_str(), id.uid, id.gid) != 0)
    throw std::runtime_error("cannot give " + path.string() + " to " + id.name);
}

// Waits for `pid` up to `limit`; true when it exited (and was reaped).
bool wait_exit(pid_t pid, std::chrono::milliseconds limit, int* status) {
  const auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    const pid_t r = ::waitpid(pid, status, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(10ms);
  }
}

}  // namespace

PrivateServer& PrivateServer::shared() {
  static std::mutex mutex;
  static std::unique_ptr<PrivateServer> server;
  const std::lock_guard lock(mutex);
  if (!server) {
    std::unique_ptr<PrivateServer> fresh(new PrivateServer);
    fresh->start();
    server = std::move(fresh);
  }
  return *server;
}

PrivateServer::PrivateServer() = default;

PrivateServer::~PrivateServer() { stop(); }

void PrivateServer::start() {
  const auto began = std::chrono::steady_clock::now();
  bindir_ = find_bindir();
  const Identity id = server_identity();
  run_as_ = id.switch_user ? id.name : "";

  // apbench-<what>-<pid>-XXXXXX: the next apbench reaps it if all else
  // fails. Ours (root's) and traversable; data and socket folders the
  // server's.
  std::string pattern = (fs::temp_directory_path() /
                         fmt::format("apbench-postgres-{}-XXXXXX", ::getpid()))
                            .string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("cannot create a temporary folder in " +
                             fs::temp_directory_path().string());
  folder_ = pattern;
  const fs::path folder(folder_), data = folder / "data",
                                  sockets = folder / "socket",
                                  log = folder / "server.log";
  try {
    ::chmod(folder_.c_str(), 0711);
    fs::create_directory(data);
    fs::create_directory(sockets);
    ::chmod(data.c_str(), 0700);
    ::chmod(sockets.c_str(), 0755);
    give_to(data, id);
    give_to(sockets, id);
    const int log_fd =
        ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (log_fd < 0) throw std::runtime_error("cannot create " + log.string());

    // The watchdog first: from here on, nothing outlives apbench.
    // A socket pair rather than a pipe: send() without SIGPIPE.
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
      ::close(log_fd);
      throw std::runtime_error("socketpair() failed");
    }
    watchdog_pipe_ = fds[1];
    // Each line is initdb's, then the server's pid (the latest counts) or
    // "done"; the
    // pipe closing without "done" means apbench is gone.
    const std::string script =
        "pid=0; while read -r line; do case \"$line\" in done) exit 0;; "
        "*) pid=$line;; esac; done; "
        "if [ \"$pid\" -gt 0 ]; then kill -QUIT \"$pid\" 2>/dev/null; i=0; "
        "while kill -0 \"$pid\" 2>/dev/null && [ $i -lt 50 ]; do "
        "sleep 0.1; i=$((i+1)); done; kill -KILL \"$pid\" 2>/dev/null; fi; "
        // A process that was still writing (initdb's bootstrap server
        // ends when initdb does) can refill the folder: remove it until
        // it stays gone.
        "i=0; while [ -e \"$1\" ] && [ $i -lt 50 ]; do "
        "rm -rf -- \"$1\" 2>/dev/null; [ -e \"$1\" ] && sleep 0.1; "
        "i=$((i+1)); done";
    watchdog_pid_ =
        spawn({"/bin/sh", "-c", script, "apbench-postgres-watchdog", folder_},
              log_fd, fds[0], Identity{}, "/");
    ::close(fds[0]);

    const int initdb_status = [&] {
      const pid_t pid = spawn(
          {bindir_ + "/initdb", "-D", data.string(), "--auth=trust",
           "--username=apbench", "--encoding=UTF8", "--locale=C", "--no-sync"},
          log_fd, -1, id, folder_);
      // Killed during initdb, apbench leaves initdb to the watchdog too.
      const std::string pid_line = fmt::format("{}\n", pid);
      ::send(watchdog_pipe_, pid_line.data(), pid_line.size(), MSG_NOSIGNAL);
      int status = 0;
      ::waitpid(pid, &status, 0);
      return status;
    }();
    if (!WIFEXITED(initdb_status) || WEXITSTATUS(initdb_status) != 0) {
      ::close(log_fd);
      throw std::runtime_error("initdb failed: " + log_tail(log, 3));
    }

    for (int attempt = 0;; ++attempt) {
      port_ = free_loopback_port();
      server_pid_ = spawn({bindir_ + "/postgres",
                           "-D",
                           data.string(),
                           "-c",
                           "listen_addresses=127.0.0.1",
                           "-c",
                           fmt::format("port={}", port_),
                           "-c",
                           "unix_socket_directories=" + sockets.string(),
                           "-c",
                           fmt::format("max_connections={}", kMaxConnections),
                           "-c",
                           "fsync=off",
                           "-c",
                           "synchronous_commit=off",
                           "-c",
                           "full_page_writes=off",
                           "-c",
                           "shared_buffers=32MB",
                           "-c",
                           "dynamic_shared_memory_type=mmap",
                           "-c",
                           "log_min_messages=warning"},
                          log_fd, -1, id, folder_);
      const std::string pid_line = fmt::format("{}\n", server_pid_);
      if (::send(watchdog_pipe_, pid_line.data(), pid_line.size(),
                 MSG_NOSIGNAL) < 0)
        throw std::runtime_error("the watchdog is gone");
      // Ready when it answers; a port taken meanwhile: another port.
      int status = 0;
      bool exited = false;
      const auto until = std::chrono::steady_clock::now() + 30s;
      while (libpq().PQping(tcp_conninfo().c_str()) != PQPING_OK) {
        if (::waitpid(server_pid_, &status, WNOHANG) == server_pid_) {
          exited = true;
          break;
        }
        if (std::chrono::steady_clock::now() > until) {
          ::close(log_fd);
          throw std::runtime_error("the server did not answer within 30 s: " +
                                   log_tail(log, 3));
        }
        std::this_thread::sleep_for(20ms);
      }
      if (!exited) break;
      server_pid_ = -1;
      if (attempt == 3) {
        ::close(log_fd);
        throw std::runtime_error("the server exited at start: " +
                                 log_tail(log, 3));
      }
    }
    ::close(log_fd);
  } catch (...) {
    stop();
    throw;
  }
  PGconn* conn = libpq().PQconnectdb(tcp_conninfo().c_str());
  const int version = libpq().PQserverVersion(conn);
  libpq().PQfinish(conn);
  version_ = fmt::format("{}.{}", version / 10000, version % 10000);
  startup_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - began)
          .count();
}

void PrivateServer::stop() noexcept {
  if (server_pid_ > 0) {
    ::kill(server_pid_, SIGINT);  // fast shutdown: ends sessions, exits
    int status = 0;
    if (!wait_exit(server_pid_, 10s, &status)) {
      ::kill(server_pid_, SIGKILL);
      ::waitpid(server_pid_, &status, 0);
    }
    server_pid_ = -1;
  }
  if (watchdog_pipe_ >= 0) {
    constexpr char done[] = "done\n";
    [[maybe_unused]] const auto n =
        ::send(watchdog_pipe_, done, 5, MSG_NOSIGNAL);
    ::close(watchdog_pipe_);
    watchdog_pipe_ = -1;
  }
  if (watchdog_pid_ > 0) {
    int status = 0;
    if (!wait_exit(watchdog_pid_, 2s, &status)) {
      ::kill(watchdog_pid_, SIGKILL);
      ::waitpid(watchdog_pid_, &status, 0);
    }
    watchdog_pid_ = -1;
  }
  if (!folder_.empty()) {
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
    folder_.clear();
  }
}

std::string PrivateServer::tcp_conninfo() const {
  return fmt::format("host=127.0.0.1 port={} user=apbench dbname=postgres",
                     port_);
}

std::string PrivateServer::unix_conninfo() const {
  return fmt::format("host={}/socket port={} user=apbench dbname=postgres",
                     folder_, port_);
}

std::string PrivateServer::description() const {
  return fmt::format(
      "private PostgreSQL {} on 127.0.0.1:{} and {}/socket, trust "
      "authentication, fsync off{}; started in {:.2f} s (not in any "
      "run's time)",
      version_, port_, folder_,
      run_as_.empty() ? "" : ", run as user " + run_as_, startup_seconds_);
}

}  // namespace apb::postgres
