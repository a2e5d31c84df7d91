#include "store/postgres/postgres_store.h"

#include "common/time.h"
#include "store/postgres/migrations.h"

namespace focusd {

using postgres::Connection;
using postgres::Params;
using postgres::PgError;
using postgres::Rows;

Error postgres_error(const PgError& e) {
  if (e.unavailable()) return Error{ErrorCode::Unavailable, "the database is unavailable; try again", {}, e.what()};
  if (e.retryable()) return Error{ErrorCode::Unavailable, "the database is busy; try again", {}, e.what()};
  if (e.unique_violation()) return unique_conflict(e.constraint(), e.what());
  return internal_error(std::string("postgres: ") + e.what());
}

Error unique_conflict(std::string_view constraint, std::string detail) {
  // One row per unique index of the schema (migrations.cpp), as on SQLite (sqlite/guard.h).
  struct Constraint {
    const char* name;
    const char* field;
    const char* description;
  };
  static constexpr Constraint kConstraints[] = {
      {"projects_live_name", "name", "a project of this name already exists in the workspace"},
      {"users_email", "email", "a user with this email already exists"},
      {"organization_users_member", "user_id", "the user is already a member of the organization"},
      {"clients_live_name", "name", "a client of this name already exists in the workspace"},
      {"tags_live_name", "name", "a tag of this name already exists in the workspace"},
  };
  for (const auto& c : kConstraints) {
    if (constraint != c.name) continue;
    Error error{ErrorCode::Conflict, c.description, {}, std::move(detail)};
    error.values.emplace(c.field, c.description);
    return error;
  }
  return Error{ErrorCode::Conflict, "this conflicts with an existing record", {}, std::move(detail)};
}

namespace {

constexpr const char* kUserColumns = "id, email, fullname, password_hash, created_at";

Result<UserRecord> single_user(const Rows& rows) {
  if (rows.empty()) return make_error(ErrorCode::NotFound, "user not found");
  return UserRecord{rows.int64(0, 0), std::string(rows.text(0, 1)), std::string(rows.text(0, 2)),
                    std::string(rows.text(0, 3)), std::string(rows.text(0, 4))};
}

std::int64_t insert_workspace(Connection& db, std::int64_t organization_id, std::string_view name,
                              const std::string& now) {
  return db
      .exec("INSERT INTO workspaces (organization_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
            Params(organization_id, name, now))
      .int64(0, 0);
}

// The organization, locked against its deletion until the transaction ends; false when there is none.
bool lock_organization(Connection& db, std::int64_t organization_id) {
  return !db.exec("SELECT 1 FROM organizations WHERE id = $1 FOR KEY SHARE", Params(organization_id)).empty();
}

}  // namespace

Result<std::unique_ptr<PostgresStore>> PostgresStore::open(const PostgresStoreOptions& options) {
  std::unique_ptr<PostgresStore> store(new PostgresStore(options));
  auto migrated = store->read([](Connection& db) { return postgres::migrate(db, postgres::migrations()); });
  if (!migrated) return migrated.error();
  return store;
}

Status PostgresStore::ping() {
  return read([](Connection& db) -> Status {
    db.exec("SELECT 1");
    return Ok{};
  });
}

Result<bool> PostgresStore::has_users() {
  return read([](Connection& db) -> Result<bool> { return !db.exec("SELECT 1 FROM users LIMIT 1").empty(); });
}

Result<int> PostgresStore::schema_version() {
  return read([](Connection& db) -> Result<int> {
    return static_cast<int>(db.exec("SELECT coalesce(max(version), 0) FROM schema_migrations").int64(0, 0));
  });
}

Result<CreatedUser> PostgresStore::create_user(const NewUser& u) {
  return write([&](Connection& db) -> Result<CreatedUser> {
    const std::string now = now_rfc3339();
    // A concurrent create of the same email loses at the unique index (users_email): a Conflict too.
    if (!db.exec("SELECT 1 FROM users WHERE focusd_fold(email) = focusd_fold($1)", Params(u.email)).empty()) {
      return make_error(ErrorCode::Conflict, "a user with this email already exists");
    }
    CreatedUser created;
    OrgRole role = u.role;
    if (u.organization_id) {
      if (!lock_organization(db, *u.organization_id)) {
        return make_error(ErrorCode::NotFound, "organization " + std::to_string(*u.organization_id) + " not found");
      }
      created.organization_id = *u.organization_id;
      Rows first = db.exec("SELECT id FROM workspaces WHERE organization_id = $1 ORDER BY id LIMIT 1",
                           Params(created.organization_id));
      created.workspace_id = first.empty() ? 0 : first.int64(0, 0);
    }
    created.user_id = db.exec(
                            "INSERT INTO users (email, fullname, password_hash, created_at, updated_at) "
                            "VALUES ($1, $2, $3, $4, $4) RETURNING id",
                            Params(u.email, u.fullname, u.password_hash, now))
                          .int64(0, 0);
    if (!u.organization_id) {
      const std::string owner_name = u.fullname.empty() ? u.email : u.fullname;
      created.organization_id = db.exec("INSERT INTO organizations (name, created_at) VALUES ($1, $2) RETURNING id",
                                        Params(owner_name + "'s organization", now))
                                    .int64(0, 0);
      created.workspace_id = insert_workspace(db, created.organization_id, owner_name + "'s workspace", now);
      role = OrgRole::Owner;
    }
    db.exec("INSERT INTO organization_users (organization_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
            Params(created.organization_id, created.user_id, to_string(role), now));
    return created;
  });
}

Result<UserRecord> PostgresStore::find_user_by_email(std::string_view email) {
  return read([&](Connection& db) -> Result<UserRecord> {
    return single_user(
        db.exec(std::string("SELECT ") + kUserColumns + " FROM users WHERE focusd_fold(email) = focusd_fold($1)",
                Params(email)));
  });
}

Result<UserRecord> PostgresStore::find_user(std::int64_t user_id) {
  return read([&](Connection& db) -> Result<UserRecord> {
    return single_user(db.exec(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1", Params(user_id)));
  });
}

Result<UserRecord> PostgresStore::find_user_by_api_key(std::string_view key_digest, std::string_view now) {
  return read([&](Connection& db) -> Result<UserRecord> {
    return single_user(
        db.exec("SELECT u.id, u.email, u.fullname, u.password_hash, u.created_at FROM api_keys k "
                "JOIN users u ON u.id = k.user_id "
                "WHERE k.key_digest = $1 AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > $2)",
                Params(key_digest, now)));
  });
}

Status PostgresStore::create_api_key(std::int64_t user_id, std::string_view key_digest,
                                     std::optional<std::string> expires_at) {
  return write([&](Connection& db) -> Status {
    const std::string now = now_rfc3339();
    // The user's row locked first: two new keys of one user at once leave one live.
    db.exec("SELECT 1 FROM users WHERE id = $1 FOR UPDATE", Params(user_id));
    db.exec("UPDATE api_keys SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL", Params(user_id, now));
    db.exec("INSERT INTO api_keys (user_id, key_digest, created_at, expires_at) VALUES ($1, $2, $3, $4)",
            Params(user_id, key_digest, now, expires_at));
    return Ok{};
  });
}

Result<std::int64_t> PostgresStore::create_workspace(std::int64_t organization_id, std::string_view name) {
  return write([&](Connection& db) -> Result<std::int64_t> {
    if (!lock_organization(db, organization_id)) {
      return make_error(ErrorCode::NotFound, "organization " + std::to_string(organization_id) + " not found");
    }
    return insert_workspace(db, organization_id, name, now_rfc3339());
  });
}

Result<std::vector<Membership>> PostgresStore::memberships(std::int64_t user_id) {
  return read([&](Connection& db) -> Result<std::vector<Membership>> {
    Rows rows =
        db.exec("SELECT organization_id, role, created_at FROM organization_users WHERE user_id = $1 ORDER BY id",
                Params(user_id));
    std::vector<Membership> result;
    result.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      result.push_back(
          {rows.int64(i, 0), parse_org_role(rows.text(i, 1)).value_or(OrgRole::Member), std::string(rows.text(i, 2))});
    }
    return result;
  });
}

Result<std::vector<OrganizationUserRecord>> PostgresStore::organization_users(std::int64_t organization_id) {
  return read([&](Connection& db) -> Result<std::vector<OrganizationUserRecord>> {
    Rows rows = db.exec(
        "SELECT ou.id, u.id, u.email, u.fullname, ou.role, ou.created_at FROM organization_users ou"
        " JOIN users u ON u.id = ou.user_id WHERE ou.organization_id = $1 ORDER BY ou.id",
        Params(organization_id));
    std::vector<OrganizationUserRecord> result;
    result.reserve(static_cast<std::size_t>(rows.size()));
    for (int i = 0; i < rows.size(); ++i) {
      result.push_back({rows.int64(i, 0), rows.int64(i, 1), std::string(rows.text(i, 2)), std::string(rows.text(i, 3)),
                        parse_org_role(rows.text(i, 4)).value_or(OrgRole::Member), std::string(rows.text(i, 5))});
    }
    return result;
  });
}

Result<std::vector<WorkspaceRecord>> PostgresStore::list_workspaces(std::int64_t user_id,
                                                                    std::int64_t organization_id) {
  return read([&](Connection& db) -> Result<std::vector<WorkspaceRecord>> {
    // One statement, one snapshot: the membership and the workspaces together.
    Rows rows = db.exec(
        "SELECT w.id, w.organization_id, w.name, w.created_at FROM organization_users ou "
        "LEFT JOIN workspaces w ON w.organization_id = ou.organization_id "
        "WHERE ou.organization_id = $1 AND ou.user_id = $2 ORDER BY w.id",
        Params(organization_id, user_id));
    if (rows.empty()) return make_error(ErrorCode::NotFound, "organization not found");
    std::vector<WorkspaceRecord> result;
    for (int i = 0; i < rows.size(); ++i) {
      if (rows.is_null(i, 0)) continue;  // a member of an organization without workspaces
      result.push_back(
          {rows.int64(i, 0), rows.int64(i, 1), std::string(rows.text(i, 2)), std::string(rows.text(i, 3))});
    }
    return result;
  });
}

Result<bool> PostgresStore::can_access_workspace(std::int64_t user_id, std::int64_t workspace_id) {
  return read([&](Connection& db) -> Result<bool> {
    return !db.exec(
                  "SELECT 1 FROM workspaces w JOIN organization_users ou ON ou.organization_id = w.organization_id "
                  "WHERE w.id = $1 AND ou.user_id = $2",
                  Params(workspace_id, user_id))
                .empty();
  });
}

Result<std::string> PostgresStore::user_settings(std::int64_t user_id) {
  return read([&](Connection& db) -> Result<std::string> {
    Rows rows = db.exec("SELECT settings FROM users WHERE id = $1", Params(user_id));
    if (rows.empty()) return make_error(ErrorCode::NotFound, "user not found");
    return std::string(rows.text(0, 0));
  });
}

Result<std::string> PostgresStore::update_user_settings(std::int64_t user_id, const SettingsMutation& mutate) {
  return write([&](Connection& db) -> Result<std::string> {
    // Locked until the commit: concurrent mutations apply one after another, each to the other's result.
    Rows rows = db.exec("SELECT settings FROM users WHERE id = $1 FOR UPDATE", Params(user_id));
    if (rows.empty()) return make_error(ErrorCode::NotFound, "user not found");
    auto updated = mutate(std::string(rows.text(0, 0)));
    if (!updated) return updated.error();
    db.exec("UPDATE users SET settings = $2, updated_at = $3 WHERE id = $1", Params(user_id, *updated, now_rfc3339()));
    return updated;
  });
}

Result<WorkspaceAccess> PostgresStore::workspace_access(std::int64_t user_id, std::int64_t workspace_id,
                                                        std::optional<std::int64_t> organization_id) {
  return read([&](Connection& db) -> Result<WorkspaceAccess> {
    Rows rows = db.exec(
        "SELECT w.organization_id, ou.role FROM workspaces w "
        "JOIN organization_users ou ON ou.organization_id = w.organization_id AND ou.user_id = $2 "
        "WHERE w.id = $1 AND ($3::bigint IS NULL OR w.organization_id = $3)",
        Params(workspace_id, user_id, organization_id));
    if (rows.empty()) return make_error(ErrorCode::NotFound, "workspace not found");
    return WorkspaceAccess{rows.int64(0, 0), workspace_id, user_id,
                           parse_org_role(rows.text(0, 1)).value_or(OrgRole::Member)};
  });
}

Result<OrgRole> PostgresStore::organization_role(std::int64_t user_id, std::int64_t organization_id) {
  return read([&](Connection& db) -> Result<OrgRole> {
    Rows rows = db.exec("SELECT role FROM organization_users WHERE organization_id = $1 AND user_id = $2",
                        Params(organization_id, user_id));
    if (rows.empty()) return make_error(ErrorCode::NotFound, "organization not found");
    return parse_org_role(rows.text(0, 0)).value_or(OrgRole::Member);
  });
}

}  // namespace focusd
