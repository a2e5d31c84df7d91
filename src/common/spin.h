#pragma once
// Waiting for work without going to sleep at once. A thread that has just
// finished its work polls for more for a short while, yielding the CPU between
// polls (so a thread with work gets it), before it sleeps. Work handed over
// by another thread within that window starts without a wake-up: waking a
// sleeping thread (a futex or an eventfd, then the scheduler) took about
// 25 µs here, twice per durable create for a lone client.

#include <sched.h>

#include <boost/asio/io_context.hpp>
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

// Runs `context` as io_context::run() does, but a thread that runs out of
// handlers polls for more for `spin` (as spin_until) before it sleeps: a
// handler posted within that window runs without waking the thread. Several
// threads may run one context so. A spin of 0 is io_context::run().
void run_spinning(boost::asio::io_context& context, std::chrono::microseconds spin);

}  // namespace focusd
