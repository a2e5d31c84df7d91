#pragma once
// Waiting for work without going to sleep at once. A thread that has just
// finished its work polls for more for a short while, yielding the CPU between
// polls (so a thread with work gets it), before it sleeps. Work handed over
// by another thread within that window starts without a wake-up: waking a
// sleeping thread (a futex or an eventfd, then the scheduler) took about
// 25 µs here, twice per durable create for a lone client.

#include <sched.h>

#include <chrono>

namespace focusd {

// Calls `ready()` until it returns true or `window` has passed, yielding the
// CPU between calls; returns whether it did. A window of 0 calls it once.
template <class Ready>
bool spin_until(std::chrono::microseconds window, Ready&& ready) {
  const auto until = std::chrono::steady_clock::now() + window;
  for (;;) {
    if (ready()) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    sched_yield();
  }
}

}  // namespace focusd
