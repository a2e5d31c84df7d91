#pragma once
// The PostgreSQL schema, as numbered migrations, and how they are applied:
// in one transaction that first takes an advisory lock, so that several
// focusd nodes starting together on one database migrate it once (the others
// wait, then find nothing to do).
//
// The schema follows the SQLite one (store/sqlite/migrations.cpp) table by
// table, so that every rule reads the same on both: ids are bigint identities
// (BY DEFAULT, so that `admin migrate-database` can copy them), times are RFC
// 3339 text as focusd writes them, every text column is COLLATE "C" (byte
// order, as SQLite's BINARY, whatever the database's locale), and a name that
// SQLite compares COLLATE NOCASE is compared here by focusd_fold(), which
// folds ASCII letters only, exactly as NOCASE does (lower() would fold every
// letter its locale knows).

#include <string>
#include <vector>

#include "common/result.h"
#include "store/postgres/connection.h"

namespace focusd::postgres {

struct Migration {
  int version;
  std::string sql;
};

const std::vector<Migration>& migrations();

// Applies every migration newer than the database's. InvalidArgument when the
// database's schema is newer than this focusd knows. Throws PgError.
Status migrate(Connection& connection, const std::vector<Migration>& migrations);

}  // namespace focusd::postgres
