// The storage bound of a page of the project list, for bench/run: focusd's own
// Store reading the page bench/run asks for over HTTP (page PAGE of 50 whose
// names hold NAME, with the total), without HTTP, JSON or the blocking pool,
// from THREADS threads at once, as the first user of DATA_DIR (the owner of
// workspace 1). Prints one JSON object.
//
//   store-lists DATA_DIR THREADS MAX_SECONDS NAME PAGE
#include <cstdio>
#include <optional>
#include <string>

#include "config/config.h"
#include "list_rate.h"
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

  return measure_lists("store-lists", threads, max_seconds, [&] {
    return [&]() -> std::optional<std::int64_t> {
      auto page = (*store)->list_projects(q);
      return page && page->items.size() == 50 ? std::optional<std::int64_t>(page->total) : std::nullopt;
    };
  });
}
