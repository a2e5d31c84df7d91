#pragma once
// Threads of their own for Argon2id password verifications, with a bounded
// queue. A verification costs tens of milliseconds of one core and 64 MiB of
// memory by design; on these threads a flood of password logins uses at most
// `threads` cores and `threads` x 64 MiB, and never delays the blocking pool
// that database work and API-key requests run on. Past threads + queue
// pending verifications, admit() refuses at once (the caller answers 503).

#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <cstddef>
#include <optional>

namespace focusd::auth {

class HashPool {
 public:
  HashPool(unsigned threads, std::size_t queue);
  ~HashPool();
  HashPool(const HashPool&) = delete;
  HashPool& operator=(const HashPool&) = delete;

  // Holds one of the threads + queue places until it goes away.
  class Ticket {
   public:
    explicit Ticket(std::atomic<std::size_t>& pending) : pending_(&pending) {}
    Ticket(Ticket&& other) noexcept : pending_(std::exchange(other.pending_, nullptr)) {}
    Ticket& operator=(Ticket&&) = delete;
    ~Ticket() {
      if (pending_) --*pending_;
    }

   private:
    std::atomic<std::size_t>* pending_;
  };

  // A place for one verification, or nullopt when all are taken.
  std::optional<Ticket> admit();
  boost::asio::thread_pool& executor() { return pool_; }

  // The number of threads for `configured` (0 = a quarter of the cores, 1 to 4).
  static unsigned threads_for(unsigned configured);

 private:
  boost::asio::thread_pool pool_;
  std::size_t capacity_;
  std::atomic<std::size_t> pending_{0};
};

}  // namespace focusd::auth
