#pragma once
// The threads that run blocking work (SQLite calls, disk writes, sendfile)
// off the network threads: an io_context run by `threads` threads, each
// polling for more work a while before it sleeps (common/spin.h), so that the
// next piece of an upload or the next request's read starts without a
// wake-up. Work goes to it through offload() (common/offload.h).

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <thread>
#include <vector>

namespace focusd {

class BlockingPool {
 public:
  BlockingPool(unsigned threads, std::chrono::microseconds idle_spin);
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;
  ~BlockingPool();  // join()s

  boost::asio::io_context& context() { return context_; }

  // Lets the work queued (and the work it queues) finish, then ends the threads.
  void join();

 private:
  boost::asio::io_context context_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> busy_;
  std::vector<std::thread> threads_;
};

}  // namespace focusd
