// The storage bound of a durable project create, for bench/run: focusd's own
// Store (the SQLite store with focusd's schema, indexes and name index, and
// its group commit) creating projects as the API does, without HTTP, JSON or
// the blocking pool. CLIENTS creates are in flight at once, each handed to
// Store::write_async as a handler's is and followed by the next as soon as it
// is durable (1 = serial commits). Prints one JSON object.
//
//   store-creates DATA_DIR CLIENTS [MAX_SECONDS]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "config/config.h"
#include "store/make_store.h"
#include "store/store.h"

int main(int argc, char** argv) {
  using namespace focusd;
  if (argc < 3) {
    std::fprintf(stderr, "usage: store-creates DATA_DIR CLIENTS [MAX_SECONDS]\n");
    return 2;
  }
  Config config;
  config.data_dir = argv[1];
  const int clients = std::max(1, std::stoi(argv[2]));
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
  std::mutex mutex;
  std::condition_variable finished;
  int running = clients;
  std::atomic<long> next{0};
  // One client: a create, then (once durable) the next, until the deadline.
  std::function<void()> create = [&] {
    const long n = next++;
    (*store)->write_async(
        [&, n] {
          ProjectFields fields;
          fields.name = "Bench " + std::to_string(n);
          fields.color = "#0b83d9";
          fields.billable = true;
          if (!(*store)->create_project(user->workspace_id, creator, fields, false, any_place)) ++failures;
        },
        [&](const std::optional<Error>& failure) {
          if (failure) {
            ++failures;
          } else {
            ++creates;
          }
          if (std::chrono::steady_clock::now() < deadline) return create();
          std::lock_guard lock(mutex);
          if (--running == 0) finished.notify_one();
        });
  };
  for (int c = 0; c < clients; ++c) create();
  {
    std::unique_lock lock(mutex);
    finished.wait(lock, [&] { return running == 0; });
  }
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("{\"clients\": %d, \"creates\": %ld, \"failures\": %ld, \"seconds\": %.6f, \"creates_per_s\": %.1f}\n",
              clients, creates.load(), failures.load(), elapsed, static_cast<double>(creates.load()) / elapsed);
  std::filesystem::remove_all(config.data_dir);
  return failures.load() == 0 ? 0 : 1;
}
