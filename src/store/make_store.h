#pragma once
// The one place that knows which Store implementations exist: main and the
// admin commands ask for "the store the configuration names" and never name
// an implementation themselves.

#include <memory>

#include "common/result.h"
#include "config/config.h"
#include "store/store.h"

namespace focusd {

// The store for `config`, migrated to the current schema: PostgreSQL when
// --database names one, else SQLite under --data (created when missing).
// Internal when it cannot be opened (Unavailable: PostgreSQL did not answer).
Result<std::unique_ptr<Store>> make_store(const Config& config);

}  // namespace focusd
