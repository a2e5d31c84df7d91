#include "store/make_store.h"

#include <filesystem>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace focusd {

Result<std::unique_ptr<Store>> make_store(const Config& config) {
  if (config.uses_postgres()) {
    auto store = PostgresStore::open(PostgresStoreOptions{
        config.database, config.database_connections, config.database_wait, config.database_pipelines,
        config.database_write_pipelines, config.database_cache_entries});
    if (!store) return store.error();
    return std::unique_ptr<Store>(std::move(store.value()));
  }
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return make_error(ErrorCode::Internal, "cannot create " + config.data_dir + ": " + ec.message());
  auto store =
      SqliteStore::open(SqliteStoreOptions{config.database_path(), config.blocking_threads, config.sqlite_synchronous,
                                           config.sqlite_busy_timeout, config.sqlite_mmap_bytes, config.idle_spin});
  if (!store) return store.error();
  return std::unique_ptr<Store>(std::move(store.value()));
}

}  // namespace focusd
