// The storage bound of a page of the project list, for bench/run: focusd's own
// Store reading the page bench/run asks for over HTTP (page PAGE of 50 whose
// names hold NAME, with the total), without HTTP, JSON or the blocking pool,
// from THREADS threads at once, as the first user of DATA_DIR (the owner of
// workspace 1). Prints one JSON object.
//
//   store-lists DATA_DIR THREADS MAX_SECONDS NAME PAGE
#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "store/make_store.h"
#include "store/store.h"

int main(int argc, char** argv) {
  using namespace focusd;
  if (argc < 6) {
    std::fprintf(stderr, "usage: store-lists DATA_DIR THREADS MAX_SECONDS NAME PAGE\n");
    return 2;
  }
  Config config;
  config.data_dir = argv[1];
  const int threads = std::stoi(argv[2]);
  const double max_seconds = std::stod(argv[3]);
  config.blocking_threads = static_cast<unsigned>(threads);  // one reader connection each
  auto store = make_store(config);
  if (!store) {
    std::fprintf(stderr, "store-lists: %s\n", store.error().detail.c_str());
    return 1;
  }
  ProjectQuery q;
  q.workspace_id = 1;
  q.viewer = Viewer{1, true};
  q.name = argv[4];
  q.page = Page{std::stoll(argv[5]), 50};

  std::atomic<long> lists{0};
  std::atomic<long> failures{0};
  std::atomic<std::int64_t> total{0};
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration<double>(max_seconds);
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      while (std::chrono::steady_clock::now() < deadline) {
        auto page = (*store)->list_projects(q);
        if (page && page->items.size() == 50) {
          total = page->total;
          ++lists;
        } else {
          ++failures;
        }
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
