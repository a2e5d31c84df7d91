#pragma once
// Turns SQLite exceptions into Result errors at the Store boundary.

#include <string>

#include "common/result.h"
#include "store/sqlite/connection.h"

namespace focusd::sqlite {

inline Error database_error(const SqliteError& e) {
  if (e.code() == SQLITE_CONSTRAINT_UNIQUE) {
    return Error{ErrorCode::Conflict, "the name is already taken", {}, e.what()};
  }
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
