#include "common/side_task.h"

#include <boost/asio/post.hpp>
#include <utility>

namespace focusd {

SideTask::SideTask(boost::asio::io_context& pool, std::function<void()> work) : state_(std::make_shared<State>()) {
  state_->work = std::move(work);
  boost::asio::post(pool, [state = state_] {
    if (take(*state)) run(*state);
  });
}

SideTask::~SideTask() {
  if (!take(*state_)) wait_for_done();
}

void SideTask::wait() {
  if (take(*state_)) {
    run(*state_);
  } else {
    wait_for_done();
  }
  if (state_->failure) std::rethrow_exception(std::exchange(state_->failure, nullptr));
}

bool SideTask::take(State& state) {
  std::lock_guard lock(state.mutex);
  if (state.taken) return false;
  state.taken = true;
  return true;
}

void SideTask::run(State& state) {
  std::exception_ptr failure;
  try {
    state.work();
  } catch (...) {
    failure = std::current_exception();
  }
  std::lock_guard lock(state.mutex);
  state.failure = failure;
  state.done = true;
  state.done_changed.notify_all();
}

void SideTask::wait_for_done() {
  std::unique_lock lock(state_->mutex);
  state_->done_changed.wait(lock, [&] { return state_->done; });
}

}  // namespace focusd
