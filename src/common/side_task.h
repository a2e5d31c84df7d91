#pragma once
// Work that another thread may do while the caller goes on with its own, and
// that the caller then waits for. It is posted to a pool; a caller that needs
// it before any pool thread has taken it runs it itself, so waiting never
// depends on a free pool thread (a pool thread may start one and wait for it).

#include <boost/asio/io_context.hpp>
#include <condition_variable>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>

namespace focusd {

class SideTask {
 public:
  // Posts `work` to `pool`. What `work` refers to must outlive this object.
  SideTask(boost::asio::io_context& pool, std::function<void()> work);
  SideTask(const SideTask&) = delete;
  SideTask& operator=(const SideTask&) = delete;
  // Waits for the work when a pool thread is doing it; work not started yet
  // is dropped (a pool thread that comes to it later does nothing).
  ~SideTask();

  // Returns once the work is done: done here when no pool thread has taken
  // it yet. Rethrows what the work threw. Call it once.
  void wait();

 private:
  struct State {
    std::function<void()> work;
    std::mutex mutex;
    std::condition_variable done_changed;
    bool taken = false;  // by a pool thread or by the caller
    bool done = false;
    std::exception_ptr failure;
  };
  static bool take(State& state);  // true for the one caller that gets to run the work
  static void run(State& state);
  void wait_for_done();

  std::shared_ptr<State> state_;
};

}  // namespace focusd
