#pragma once
// A bounded set of connections to one database, shared by threads. acquire()
// hands out an idle connection, opens a new one while fewer than `size`
// exist, or waits (up to `wait`) for one to come back. A connection that broke
// is dropped when it comes back instead of being reused, so the pool
// reconnects by itself once the server answers again, and a request made
// while it does not fails fast (PgError, unavailable) instead of hanging.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/postgres/connection.h"

namespace focusd::postgres {

class Pool {
 public:
  // A connection for as long as the lease lives; given back when it ends.
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<Connection> connection) : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (connection_) pool_->give_back(std::move(connection_));
    }
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  Pool(std::string url, std::size_t size, std::chrono::milliseconds wait);
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // Throws PgError (unavailable) when no connection came free within `wait`
  // or a new one could not be opened.
  Lease acquire();

  // Connections open now (idle or leased), for tests and /metrics.
  std::size_t open_connections() const;

 private:
  void give_back(std::unique_ptr<Connection> connection);

  const std::string url_;
  const std::size_t size_;
  const std::chrono::milliseconds wait_;
  mutable std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle, leased, or being opened
};

}  // namespace focusd::postgres
