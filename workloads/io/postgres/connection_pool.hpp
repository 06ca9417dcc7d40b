#pragma once
// Connections kept across repetitions and runs of one workload object: a
// lane leases one on its first op and gives it back when the lane ends, so
// only the warm-up repetition pays for connecting (a PostgreSQL connection
// costs a server process) and every measured one runs queries only.
#include <memory>
#include <mutex>
#include <vector>

namespace apb::postgres {

template <typename Connection>
class ConnectionPool {
 public:
  class Lease {
   public:
    Lease() = default;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (pool_ && connection_) pool_->give_back(std::move(connection_));
    }
    // The lane's connection, leased from `pool` on first use.
    Connection& from(ConnectionPool& pool) {
      if (!connection_) {
        pool_ = &pool;
        connection_ = pool.take();
      }
      return *connection_;
    }

   private:
    ConnectionPool* pool_ = nullptr;
    std::unique_ptr<Connection> connection_;
  };

  std::unique_ptr<Connection> take() {
    const std::lock_guard lock(mutex_);
    if (idle_.empty()) return std::make_unique<Connection>();
    auto connection = std::move(idle_.back());
    idle_.pop_back();
    return connection;
  }
  void give_back(std::unique_ptr<Connection> connection) {
    connection->detach();  // from the lane's executor, which may end now
    const std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  void clear() {
    const std::lock_guard lock(mutex_);
    idle_.clear();
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace apb::postgres
