#include "common/side_task.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "common/blocking_pool.h"

namespace focusd {
namespace {

using namespace std::chrono_literals;

// Waits up to 10 s for `flag`.
bool eventually(const std::atomic<bool>& flag) {
  for (int i = 0; i < 10000 && !flag; ++i) std::this_thread::sleep_for(1ms);
  return flag;
}

TEST(SideTask, RunsOnAPoolThreadWhileTheCallerGoesOn) {
  BlockingPool pool(1, 0us);
  std::atomic<bool> started = false;
  std::atomic<bool> release = false;
  std::thread::id ran_on;
  SideTask task(pool.context(), [&] {
    ran_on = std::this_thread::get_id();
    started = true;
    while (!release) std::this_thread::sleep_for(1ms);
  });
  ASSERT_TRUE(eventually(started));  // the caller is free meanwhile
  release = true;
  task.wait();
  EXPECT_NE(ran_on, std::this_thread::get_id());
}

TEST(SideTask, TheCallerRunsItWhenNoPoolThreadHasTakenIt) {
  boost::asio::io_context idle;  // never run: no thread will ever take the work
  std::thread::id ran_on;
  int runs = 0;
  {
    SideTask task(idle, [&] {
      ran_on = std::this_thread::get_id();
      ++runs;
    });
    task.wait();
  }
  EXPECT_EQ(ran_on, std::this_thread::get_id());
  idle.run();  // the posted handler finds the work taken
  EXPECT_EQ(runs, 1);
}

TEST(SideTask, WorkNotStartedIsDroppedWithTheTask) {
  boost::asio::io_context later;
  bool ran = false;
  {
    SideTask task(later, [&] { ran = true; });
  }
  later.run();
  EXPECT_FALSE(ran);
}

TEST(SideTask, TheDestructorWaitsForWorkAPoolThreadIsDoing) {
  BlockingPool pool(1, 0us);
  std::atomic<bool> started = false;
  std::atomic<bool> finished = false;
  {
    SideTask task(pool.context(), [&] {
      started = true;
      std::this_thread::sleep_for(50ms);
      finished = true;
    });
    ASSERT_TRUE(eventually(started));
  }
  EXPECT_TRUE(finished);
}

TEST(SideTask, WaitRethrowsWhatTheWorkThrew) {
  BlockingPool pool(1, 0us);
  std::atomic<bool> started = false;
  SideTask on_pool(pool.context(), [&] {
    started = true;
    throw std::runtime_error("on the pool");
  });
  ASSERT_TRUE(eventually(started));
  EXPECT_THROW(on_pool.wait(), std::runtime_error);

  boost::asio::io_context idle;
  SideTask here(idle, [] { throw std::runtime_error("inline"); });
  EXPECT_THROW(here.wait(), std::runtime_error);
}

}  // namespace
}  // namespace focusd
