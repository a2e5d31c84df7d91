#pragma once
// `focusd admin migrate-database`: copies a SQLite install's database into an
// empty PostgreSQL database. Like make_store, it names both implementations.

#include <boost/json/object.hpp>
#include <string>

#include "common/result.h"
#include "config/config.h"

namespace focusd {

// Copies every row of the SQLite database under config.data_dir (migrated to
// the current schema first) into the PostgreSQL database config.database
// (migrated too), in one transaction: ids and timestamps kept, each identity
// sequence advanced past every id SQLite ever gave (so no id is reused), the
// row count of every table checked before the commit. Conflict when the
// target holds any row already; nothing is written then, nor on any error.
// {"database", "tables": {NAME: ROWS}, "rows"}
Result<boost::json::object> copy_sqlite_to_postgres(const Config& config);

}  // namespace focusd
