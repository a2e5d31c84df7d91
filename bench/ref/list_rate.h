#pragma once
// The measuring loop of the list references (store-lists, sqlite-lists):
// THREADS threads, each calling `make_list()` once on its own thread for what
// it lists with, then that until MAX_SECONDS have passed. A list returns the
// total it counted when its page was whole, nullopt when not. Prints one JSON
// object; returns the exit status (1 when any list failed).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <optional>
#include <thread>
#include <vector>

template <class MakeList>
int measure_lists(const char* program, int threads, double max_seconds, MakeList make_list) {
  std::atomic<long> lists{0};
  std::atomic<long> failures{0};
  std::atomic<std::int64_t> total{0};
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration<double>(max_seconds);
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      try {
        auto list = make_list();
        while (std::chrono::steady_clock::now() < deadline) {
          if (const std::optional<std::int64_t> counted = list()) {
            total = *counted;
            ++lists;
          } else {
            ++failures;
          }
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "%s: %s\n", program, e.what());
        ++failures;
      }
    });
  }
  for (auto& worker : workers) worker.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "{\"threads\": %d, \"lists\": %ld, \"failures\": %ld, \"total\": %lld, \"seconds\": %.6f, \"lists_per_s\": "
      "%.1f}\n",
      threads, lists.load(), failures.load(), static_cast<long long>(total.load()), elapsed,
      static_cast<double>(lists.load()) / elapsed);
  return failures.load() == 0 ? 0 : 1;
}
