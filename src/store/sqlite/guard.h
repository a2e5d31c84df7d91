#pragma once
// Turns SQLite exceptions into Result errors at the Store boundary.

#include <string>
#include <string_view>

#include "common/result.h"
#include "store/sqlite/connection.h"

namespace focusd::sqlite {

// What a failed UNIQUE constraint means to the client. SQLite names the
// constraint by its columns ("UNIQUE constraint failed: projects.workspace_id,
// projects.name"); one row per unique constraint of the schema (migrations.cpp).
inline Error unique_violation(const SqliteError& e) {
  struct Constraint {
    const char* columns;
    const char* field;
    const char* description;
  };
  static constexpr Constraint kConstraints[] = {
      {"projects.workspace_id, projects.name", "name", "a project of this name already exists in the workspace"},
      {"clients.workspace_id, clients.name", "name", "a client of this name already exists in the workspace"},
      {"tags.workspace_id, tags.name", "name", "a tag of this name already exists in the workspace"},
      {"users.email", "email", "a user with this email already exists"},
      {"organization_users.organization_id, organization_users.user_id", "user_id",
       "the user is already a member of the organization"},
  };
  const std::string_view what = e.what();
  for (const auto& c : kConstraints) {
    if (what.find(c.columns) == std::string_view::npos) continue;
    Error error{ErrorCode::Conflict, c.description, {}, e.what()};
    error.values.emplace(c.field, c.description);
    return error;
  }
  return Error{ErrorCode::Conflict, "this conflicts with an existing record", {}, e.what()};
}

inline Error database_error(const SqliteError& e) {
  if (e.code() == SQLITE_CONSTRAINT_UNIQUE) return unique_violation(e);
  if ((e.code() & 0xff) == SQLITE_FULL) {
    return Error{ErrorCode::InsufficientStorage, "the server's disk is full", {}, e.what()};
  }
  return internal_error(std::string("sqlite: ") + e.what());
}

// Runs a store body; a SqliteError becomes an Error (Conflict for a unique
// constraint, Internal otherwise, its text kept for the log only).
template <class F>
auto guarded(F&& fn) -> decltype(fn()) {
  try {
    return fn();
  } catch (const SqliteError& e) {
    return database_error(e);
  }
}

}  // namespace focusd::sqlite
