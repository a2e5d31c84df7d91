#include "store/copy_database.h"

#include <charconv>
#include <filesystem>
#include <map>

#include "store/postgres/connection.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_store.h"

namespace focusd {

namespace {

// Every table of the PostgreSQL schema but schema_migrations, parents before
// the tables that refer to them. A table the schema gains must be added here:
// the copy refuses to run while the two disagree.
constexpr const char* kTables[] = {"organizations",
                                   "workspaces",
                                   "users",
                                   "organization_users",
                                   "api_keys",
                                   "clients",
                                   "tags",
                                   "projects",
                                   "project_tags",
                                   "project_users",
                                   "groups",
                                   "group_users",
                                   "group_workspaces",
                                   "project_groups",
                                   "project_pins",
                                   "project_rates",
                                   "tasks",
                                   "task_tags",
                                   "task_pins",
                                   "attachments",
                                   "time_entries",
                                   "time_entry_tags"};

// Columns that refer to their own table: copied as NULL, then set once every
// row is there (a parent may have a greater id than its child).
struct SelfReference {
  const char* table;
  const char* column;
};
constexpr SelfReference kSelfReferences[] = {{"projects", "parent_project_id"}, {"tasks", "parent_task_id"}};

// Rows per INSERT statement (PostgreSQL takes at most 65,535 parameters in one).
constexpr std::size_t kParametersPerInsert = 30000;

struct Column {
  std::string name;
  std::string type;  // PostgreSQL's data_type: bigint, boolean, double precision, text
};

std::vector<Column> columns_of(postgres::Connection& pg, const std::string& table) {
  postgres::Rows rows = pg.exec(
      "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema()"
      " AND table_name = $1 ORDER BY ordinal_position",
      postgres::Params(table));
  std::vector<Column> columns;
  columns.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) columns.push_back({std::string(rows.text(i, 0)), std::string(rows.text(i, 1))});
  return columns;
}

bool self_reference(const std::string& table, const std::string& column) {
  for (const auto& s : kSelfReferences) {
    if (table == s.table && column == s.column) return true;
  }
  return false;
}

// One SQLite value as PostgreSQL's text form of `type`.
std::optional<std::string> value_of(const sqlite::Statement& row, int column, const std::string& type) {
  if (row.is_null(column)) return std::nullopt;
  if (type == "boolean") return row.int64(column) != 0 ? "t" : "f";
  if (type == "bigint" || type == "integer") return std::to_string(row.int64(column));
  if (type == "double precision") {
    char text[32];
    auto [end, ec] = std::to_chars(text, text + sizeof text, row.real(column));  // the shortest exact text
    return std::string(text, end);
  }
  return row.text(column);
}

std::string join(const std::vector<Column>& columns, const std::string& prefix = "") {
  std::string text;
  for (std::size_t i = 0; i < columns.size(); ++i) text += (i ? ", " : "") + prefix + columns[i].name;
  return text;
}

// Inserts `count` rows of `columns.size()` values each.
void insert(postgres::Connection& pg, const std::string& table, const std::vector<Column>& columns,
            const postgres::Params& values, std::size_t count) {
  std::string sql = "INSERT INTO " + table + " (" + join(columns) + ") VALUES ";
  int n = 0;
  for (std::size_t row = 0; row < count; ++row) {
    sql += row ? ",(" : "(";
    for (std::size_t c = 0; c < columns.size(); ++c) {
      sql += (c ? ",$" : "$") + std::to_string(++n) + "::" + columns[c].type;
    }
    sql += ")";
  }
  pg.exec(sql, values);
}

// Copies one table; its number of rows.
std::int64_t copy_table(sqlite::Connection& lite, postgres::Connection& pg, const std::string& table) {
  const std::vector<Column> columns = columns_of(pg, table);
  std::vector<Column> copied;  // what the INSERT sets: the self-references come later
  for (const auto& c : columns) {
    if (!self_reference(table, c.name)) copied.push_back(c);
  }
  const std::size_t per_insert = std::max<std::size_t>(1, kParametersPerInsert / copied.size());
  auto select = lite.prepare("SELECT " + join(columns) + " FROM " + table);
  postgres::Params batch;
  std::size_t in_batch = 0;
  std::int64_t rows = 0;
  std::vector<std::pair<std::string, std::string>> references;  // (id, parent) of the self-references
  while (select.step()) {
    for (std::size_t c = 0; c < columns.size(); ++c) {
      auto value = value_of(select, static_cast<int>(c), columns[c].type);
      if (self_reference(table, columns[c].name)) {
        if (value) references.emplace_back(std::to_string(select.int64(0)), *value);
      } else {
        batch.add(value);
      }
    }
    ++rows;
    if (++in_batch == per_insert) {
      insert(pg, table, copied, batch, in_batch);
      batch = postgres::Params();
      in_batch = 0;
    }
  }
  if (in_batch > 0) insert(pg, table, copied, batch, in_batch);
  for (const auto& s : kSelfReferences) {
    if (table != s.table) continue;
    for (const auto& [id, parent] : references) {
      pg.exec("UPDATE " + table + " SET " + s.column + " = $2::bigint WHERE id = $1::bigint",
              postgres::Params(id, parent));
    }
  }
  return rows;
}

std::int64_t count(sqlite::Connection& lite, const std::string& table) {
  auto stmt = lite.prepare("SELECT count(*) FROM " + table);
  return stmt.step() ? stmt.int64(0) : 0;
}

// Moves the table's identity sequence past every id SQLite gave (its
// sqlite_sequence remembers deleted rows' ids too).
void advance_sequence(sqlite::Connection& lite, postgres::Connection& pg, const std::string& table) {
  postgres::Rows sequence = pg.exec(
      "SELECT pg_get_serial_sequence($1, column_name) FROM information_schema.columns"
      " WHERE table_schema = current_schema() AND table_name = $1 AND column_name = 'id' AND is_identity = 'YES'",
      postgres::Params(table));
  if (sequence.empty() || sequence.is_null(0, 0)) return;  // no identity column (a link table)
  std::int64_t highest = 0;
  auto given = lite.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?1");
  given.bind_all(table);
  if (given.step()) highest = given.int64(0);
  auto rows = lite.prepare("SELECT coalesce(max(id), 0) FROM " + table);
  if (rows.step()) highest = std::max(highest, rows.int64(0));
  if (highest > 0) {
    pg.exec("SELECT setval($1, $2::bigint)", postgres::Params(sequence.text(0, 0), highest));
  }
}

}  // namespace

Result<boost::json::object> copy_sqlite_to_postgres(const Config& config) {
  if (!std::filesystem::exists(config.database_path())) {
    return make_error(ErrorCode::NotFound, "no SQLite database at " + config.database_path());
  }
  // Both schemas brought to this binary's version by their own migrations.
  {
    auto lite = SqliteStore::open(SqliteStoreOptions{config.database_path()});
    if (!lite) return lite.error();
    auto pg = PostgresStore::open(PostgresStoreOptions{config.database, 1, config.database_wait, 0, 0, 0});
    if (!pg) return pg.error();
  }
  try {
    auto lite = sqlite::Connection::open(config.database_path(), sqlite::OpenOptions{.read_only = true});
    auto pg = postgres::Connection::open(config.database);
    postgres::Rows schema = pg->exec(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        " AND table_type = 'BASE TABLE' AND table_name NOT IN ('schema_migrations', 'cache_epochs')"
        " ORDER BY table_name");
    std::vector<std::string> listed(std::begin(kTables), std::end(kTables));
    std::sort(listed.begin(), listed.end());
    std::vector<std::string> present;
    present.reserve(static_cast<std::size_t>(schema.size()));
    for (int i = 0; i < schema.size(); ++i) present.emplace_back(schema.text(i, 0));
    if (present != listed) return internal_error("the tables to copy do not match the PostgreSQL schema");

    sqlite::ReadTransaction snapshot(*lite);  // one consistent state of the source, even with a server running
    postgres::Transaction transaction(*pg);
    boost::json::object tables;
    std::int64_t total = 0;
    for (const char* table : kTables) {
      if (!pg->exec(std::string("SELECT 1 FROM ") + table + " LIMIT 1").empty()) {
        return make_error(ErrorCode::Conflict,
                          std::string("the target database is not empty (table ") + table + " has rows)");
      }
    }
    for (const char* table : kTables) {
      const std::int64_t copied = copy_table(*lite, *pg, table);
      const std::int64_t there = pg->exec(std::string("SELECT count(*) FROM ") + table).int64(0, 0);
      if (copied != there || there != count(*lite, table)) {
        return internal_error(std::string("row counts of ") + table + " differ after the copy");
      }
      advance_sequence(*lite, *pg, table);
      tables[table] = copied;
      total += copied;
    }
    transaction.commit();
    return boost::json::object{{"database", config.database_label()}, {"tables", std::move(tables)}, {"rows", total}};
  } catch (const sqlite::SqliteError& e) {
    return internal_error(std::string("sqlite: ") + e.what());
  } catch (const postgres::PgError& e) {
    return postgres_error(e);
  }
}

}  // namespace focusd
