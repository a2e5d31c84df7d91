#include "auth/hash_pool.h"

#include <algorithm>
#include <thread>

namespace focusd::auth {

HashPool::HashPool(unsigned threads, std::size_t queue) : pool_(threads), capacity_(threads + queue) {}

HashPool::~HashPool() {
  pool_.join();
}

std::optional<HashPool::Ticket> HashPool::admit() {
  std::size_t pending = pending_.load();
  do {
    if (pending >= capacity_) return std::nullopt;
  } while (!pending_.compare_exchange_weak(pending, pending + 1));
  return Ticket(pending_);
}

unsigned HashPool::threads_for(unsigned configured) {
  if (configured > 0) return configured;
  return std::clamp(std::thread::hardware_concurrency() / 4, 1u, 4u);
}

}  // namespace focusd::auth
