// The storage bound of a durable project create, for bench/run: focusd's own
// Store (the SQLite store with focusd's schema, indexes and name index, and
// its group commit) creating projects as the API does, without HTTP, JSON or
// the blocking pool. THREADS threads create at once (1 = serial commits);
// each create is durable when its call returns, as a 201 is. Prints one JSON
// object.
//
//   store-creates DATA_DIR THREADS [MAX_SECONDS]
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "store/make_store.h"
#include "store/store.h"

int main(int argc, char** argv) {
  using namespace focusd;
  if (argc < 3) {
    std::fprintf(stderr, "usage: store-creates DATA_DIR THREADS [MAX_SECONDS]\n");
    return 2;
  }
  Config config;
  config.data_dir = argv[1];
  const int threads = std::stoi(argv[2]);
  const double max_seconds = argc > 3 ? std::stod(argv[3]) : 5.0;
  std::filesystem::remove_all(config.data_dir);

  auto store = make_store(config);
  if (!store) {
    std::fprintf(stderr, "store-creates: %s\n", store.error().detail.c_str());
    return 1;
  }
  auto user = (*store)->create_user(NewUser{"bench@example.com", "Bench", "not-a-hash", std::nullopt, OrgRole::Owner});
  if (!user) {
    std::fprintf(stderr, "store-creates: %s\n", user.error().detail.c_str());
    return 1;
  }
  const Viewer creator{user->user_id, true};
  const Store::TreeRule any_place = [](const TreePlacement&) -> Status { return Ok{}; };

  std::atomic<long> creates{0};
  std::atomic<long> failures{0};
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + std::chrono::duration<double>(max_seconds);
  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (long n = 0; std::chrono::steady_clock::now() < deadline; ++n) {
        ProjectFields fields;
        fields.name = "Bench " + std::to_string(t) + "-" + std::to_string(n);
        fields.color = "#0b83d9";
        fields.billable = true;
        if ((*store)->create_project(user->workspace_id, creator, fields, false, any_place)) {
          ++creates;
        } else {
          ++failures;
        }
      }
    });
  }
  for (auto& worker : workers) worker.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"threads\": %d, \"creates\": %ld, \"failures\": %ld, \"seconds\": %.6f, \"creates_per_s\": %.1f}\n",
              threads, creates.load(), failures.load(), elapsed, static_cast<double>(creates.load()) / elapsed);
  std::filesystem::remove_all(config.data_dir);
  return failures.load() == 0 ? 0 : 1;
}
