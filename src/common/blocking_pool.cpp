#include "common/blocking_pool.h"

#include "common/spin.h"

namespace focusd {

BlockingPool::BlockingPool(unsigned threads, std::chrono::microseconds idle_spin)
    : busy_(boost::asio::make_work_guard(context_)) {
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) {
    threads_.emplace_back([this, idle_spin] { run_spinning(context_, idle_spin); });
  }
}

BlockingPool::~BlockingPool() {
  join();
}

void BlockingPool::join() {
  busy_.reset();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

}  // namespace focusd
