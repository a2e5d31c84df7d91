#include "store/migrations.h"

#include "common/time.h"
#include "store/sqlite/connection.h"

namespace focusd {

const std::vector<Migration>& sqlite_migrations() {
  static const std::vector<Migration> migrations = {
      {1, R"sql(
CREATE TABLE organizations (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  name       TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE workspaces (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  name            TEXT NOT NULL,
  created_at      TEXT NOT NULL
);
CREATE INDEX workspaces_by_organization ON workspaces(organization_id, id);
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  email         TEXT NOT NULL UNIQUE COLLATE NOCASE,
  fullname      TEXT NOT NULL DEFAULT '',
  password_hash TEXT NOT NULL,
  settings      TEXT NOT NULL DEFAULT '{}',
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE TABLE organization_users (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  user_id         INTEGER NOT NULL REFERENCES users(id),
  role            TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  created_at      TEXT NOT NULL,
  UNIQUE (organization_id, user_id)
);
CREATE INDEX organization_users_by_user ON organization_users(user_id, id);
CREATE TABLE api_keys (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id    INTEGER NOT NULL REFERENCES users(id),
  key_digest TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_keys_by_user ON api_keys(user_id) WHERE revoked_at IS NULL;
)sql"},
  };
  return migrations;
}

Status migrate(sqlite::Connection& connection, const std::vector<Migration>& migrations) {
  sqlite::Transaction tx(connection);
  connection.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
  int current = 0;
  {
    auto stmt = connection.prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    if (stmt.step()) current = static_cast<int>(stmt.int64(0));
  }
  int latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest) {
    return make_error(ErrorCode::InvalidArgument, "database schema version " + std::to_string(current) +
                                                      " is newer than this focusd supports (" + std::to_string(latest) +
                                                      "); upgrade focusd");
  }
  for (const auto& migration : migrations) {
    if (migration.version <= current) continue;
    connection.exec(migration.sql);
    connection.prepare("INSERT INTO schema_migrations (version, applied_at) VALUES (?1, ?2)")
        .bind_all(migration.version, now_rfc3339())
        .run();
  }
  tx.commit();
  return Ok{};
}

}  // namespace focusd
