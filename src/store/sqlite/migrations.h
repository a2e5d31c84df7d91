#pragma once
// Versioned schema migrations, applied at start in one transaction and
// recorded in schema_migrations. A database newer than this binary is refused.

#include <string>
#include <vector>

#include "common/result.h"

namespace focusd {

namespace sqlite {
class Connection;
}

struct Migration {
  int version;
  std::string sql;
};

const std::vector<Migration>& sqlite_migrations();

// Brings the database up to the latest known version. InvalidArgument when the
// database already has a version this binary does not know.
Status migrate(sqlite::Connection& connection, const std::vector<Migration>& migrations);

}  // namespace focusd
