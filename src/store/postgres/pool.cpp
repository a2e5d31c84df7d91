#include "store/postgres/pool.h"

namespace focusd::postgres {

Pool::Pool(std::string url, std::size_t size, std::chrono::milliseconds wait)
    : url_(std::move(url)), size_(size == 0 ? 1 : size), wait_(wait) {}

Pool::Lease Pool::acquire() {
  std::unique_lock lock(mutex_);
  const auto deadline = std::chrono::steady_clock::now() + wait_;
  for (;;) {
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
    if (open_ < size_) break;
    if (returned_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && open_ >= size_) {
      throw PgError("", true, "no database connection came free within " + std::to_string(wait_.count()) + " ms");
    }
  }
  ++open_;  // counted while it opens, outside the lock, so that no other thread opens one past the size
  lock.unlock();
  try {
    return Lease(*this, Connection::open(url_));
  } catch (...) {
    lock.lock();
    --open_;
    returned_.notify_one();
    throw;
  }
}

std::size_t Pool::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

void Pool::give_back(std::unique_ptr<Connection> connection) {
  // A broken connection, or one left inside a transaction (its statement
  // threw past a Transaction that could not roll back), is never reused.
  const bool reusable = connection->healthy() && !connection->in_transaction();
  if (!reusable) connection.reset();
  std::lock_guard lock(mutex_);
  if (reusable) {
    idle_.push_back(std::move(connection));
  } else {
    --open_;
  }
  returned_.notify_one();
}

}  // namespace focusd::postgres
