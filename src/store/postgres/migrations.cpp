#include "store/postgres/migrations.h"

#include <string_view>

#include "common/time.h"
#include "store/store.h"

namespace focusd::postgres {

namespace {

// Any fixed number, the same for every focusd: the key of the advisory lock
// that serialises migrations.
constexpr std::int64_t kMigrationLock = 0x666f637573640001;  // "focusd" 1

// Migration 2: the epochs that tell a node whether what it remembers of a
// workspace is still current (store/postgres/read_cache.h). Every statement
// that changes a table a remembered read returns bumps, in its own
// transaction, the epoch of each workspace whose rows it changed: so a read
// whose statement also read the epoch is current for as long as a later
// statement finds the same epoch. A workspace's epoch is the sum of its rows
// in cache_epochs, which only grows. A bump never waits: it adds 1 to one of
// the workspace's rows that no other transaction holds (SKIP LOCKED), or, when
// every one is held, inserts a row of its own (under a random shard number),
// so a workspace has about as many rows as it ever had writers at once, and
// bumps add no lock that writers could wait on or deadlock over. A statement
// that changes no row bumps nothing (its transition table is empty). A read
// remembered over another table needs that table added here.
void replace_all(std::string& text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

std::string epoch_migration() {
  struct Watched {
    const char* table;
    // The workspaces of its rows in a transition table, as SQL (ROWS: the table's name).
    const char* workspaces;
    // Whether a row inserted can change a remembered read. Not for a new
    // project, client, tag, group or workspace: a read is remembered only of
    // a project that exists, reads no other project, and reads a client, tag
    // or group only through a row that links it, whose own change bumps. So
    // a project's create costs nothing more.
    bool inserts;
  };
  static constexpr Watched kWatched[] = {
      {"workspaces", "SELECT id FROM ROWS", false},
      {"organization_users", "SELECT w.id FROM ROWS r JOIN workspaces w ON w.organization_id = r.organization_id",
       true},
      {"groups", "SELECT w.id FROM ROWS r JOIN workspaces w ON w.organization_id = r.organization_id", false},
      {"group_users",
       "SELECT w.id FROM ROWS r JOIN groups g ON g.id = r.group_id JOIN workspaces w"
       " ON w.organization_id = g.organization_id",
       true},
      {"projects", "SELECT workspace_id FROM ROWS", false},
      {"clients", "SELECT workspace_id FROM ROWS", false},
      {"tags", "SELECT workspace_id FROM ROWS", false},
      {"tasks", "SELECT workspace_id FROM ROWS", true},
      {"time_entries", "SELECT workspace_id FROM ROWS", true},
      {"project_tags", "SELECT p.workspace_id FROM ROWS r JOIN projects p ON p.id = r.project_id", true},
      {"project_pins", "SELECT p.workspace_id FROM ROWS r JOIN projects p ON p.id = r.project_id", true},
      {"project_users", "SELECT p.workspace_id FROM ROWS r JOIN projects p ON p.id = r.project_id", true},
      {"project_groups", "SELECT p.workspace_id FROM ROWS r JOIN projects p ON p.id = r.project_id", true},
  };
  std::string sql = R"sql(
CREATE TABLE cache_epochs (
  workspace_id bigint NOT NULL,
  shard        integer NOT NULL,
  n            bigint NOT NULL,
  PRIMARY KEY (workspace_id, shard)
);
CREATE FUNCTION focusd_bump_epochs(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  ws bigint;
BEGIN
  FOR ws IN SELECT DISTINCT id FROM unnest(ids) AS id WHERE id IS NOT NULL LOOP
    UPDATE cache_epochs SET n = n + 1 WHERE workspace_id = ws AND shard =
      (SELECT shard FROM cache_epochs WHERE workspace_id = ws LIMIT 1 FOR UPDATE SKIP LOCKED);
    WHILE NOT FOUND LOOP
      INSERT INTO cache_epochs (workspace_id, shard, n) VALUES (ws, floor(random() * 2147483647), 1)
        ON CONFLICT DO NOTHING;
    END LOOP;
  END LOOP;
END $$;)sql";
  // Each watched table's trigger function and its triggers, one per kind of
  // statement, each with the transition tables that kind has.
  constexpr std::string_view kPerTable = R"sql(
CREATE FUNCTION focusd_changed_{table}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN PERFORM focusd_bump_epochs(ARRAY({new}));
  ELSIF TG_OP = 'UPDATE' THEN PERFORM focusd_bump_epochs(ARRAY({old} UNION {new}));
  ELSE PERFORM focusd_bump_epochs(ARRAY({old}));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER {table}_updated AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION focusd_changed_{table}();
CREATE TRIGGER {table}_deleted AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION focusd_changed_{table}();
)sql";
  constexpr std::string_view kOnInsert = R"sql(CREATE TRIGGER {table}_inserted AFTER INSERT ON {table}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION focusd_changed_{table}();
)sql";
  for (const auto& w : kWatched) {
    std::string from_new = w.workspaces;
    replace_all(from_new, "ROWS", "new_rows");
    std::string from_old = w.workspaces;
    replace_all(from_old, "ROWS", "old_rows");
    std::string statements(kPerTable);
    if (w.inserts) statements += kOnInsert;
    replace_all(statements, "{table}", w.table);
    replace_all(statements, "{new}", from_new);
    replace_all(statements, "{old}", from_old);
    sql += statements;
  }
  return sql;
}

}  // namespace

// Until the PostgreSQL backend ships (issue 18), migration 1 grows with it:
// no database made by a released focusd holds it yet.
const std::vector<Migration>& migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, R"sql(
CREATE FUNCTION focusd_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  AS $$ SELECT translate($1, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz') $$;
CREATE TABLE organizations (
  id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  name       text COLLATE "C" NOT NULL,
  created_at text COLLATE "C" NOT NULL
);
CREATE TABLE workspaces (
  id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  organization_id bigint NOT NULL REFERENCES organizations(id),
  name            text COLLATE "C" NOT NULL,
  created_at      text COLLATE "C" NOT NULL
);
CREATE INDEX workspaces_by_organization ON workspaces(organization_id, id);
CREATE TABLE users (
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  email         text COLLATE "C" NOT NULL,
  fullname      text COLLATE "C" NOT NULL DEFAULT '',
  password_hash text COLLATE "C" NOT NULL,
  settings      text COLLATE "C" NOT NULL DEFAULT '{}',
  created_at    text COLLATE "C" NOT NULL,
  updated_at    text COLLATE "C" NOT NULL
);
CREATE UNIQUE INDEX users_email ON users(focusd_fold(email));
CREATE TABLE organization_users (
  id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  organization_id bigint NOT NULL REFERENCES organizations(id),
  user_id         bigint NOT NULL REFERENCES users(id),
  role            text COLLATE "C" NOT NULL CHECK (role IN ('owner', 'admin', 'member')),
  created_at      text COLLATE "C" NOT NULL,
  CONSTRAINT organization_users_member UNIQUE (organization_id, user_id)
);
CREATE INDEX organization_users_by_user ON organization_users(user_id, id);
CREATE TABLE api_keys (
  id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  user_id    bigint NOT NULL REFERENCES users(id),
  key_digest text COLLATE "C" NOT NULL UNIQUE,
  created_at text COLLATE "C" NOT NULL,
  expires_at text COLLATE "C",
  revoked_at text COLLATE "C"
);
CREATE INDEX api_keys_by_user ON api_keys(user_id) WHERE revoked_at IS NULL;
CREATE TABLE clients (
  id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  workspace_id bigint NOT NULL REFERENCES workspaces(id),
  name         text COLLATE "C" NOT NULL,
  currency     text COLLATE "C",
  creator_id   bigint NOT NULL REFERENCES users(id),
  created_at   text COLLATE "C" NOT NULL,
  updated_at   text COLLATE "C" NOT NULL,
  deleted_at   text COLLATE "C"
);
CREATE UNIQUE INDEX clients_live_name ON clients(workspace_id, focusd_fold(name)) WHERE deleted_at IS NULL;
CREATE TABLE tags (
  id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  workspace_id bigint NOT NULL REFERENCES workspaces(id),
  name         text COLLATE "C" NOT NULL,
  color        text COLLATE "C",
  creator_id   bigint NOT NULL REFERENCES users(id),
  created_at   text COLLATE "C" NOT NULL,
  updated_at   text COLLATE "C" NOT NULL,
  deleted_at   text COLLATE "C"
);
CREATE UNIQUE INDEX tags_live_name ON tags(workspace_id, focusd_fold(name)) WHERE deleted_at IS NULL;
-- Whole seconds between two RFC 3339 times, as SQLite's unixepoch(b) - unixepoch(a).
CREATE FUNCTION focusd_seconds(text, text) RETURNS bigint LANGUAGE sql STABLE STRICT PARALLEL SAFE
  AS $$ SELECT (floor(extract(epoch FROM $2::timestamptz)) - floor(extract(epoch FROM $1::timestamptz)))::bigint $$;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE projects (
  id                     bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  workspace_id           bigint NOT NULL REFERENCES workspaces(id),
  name                   text COLLATE "C" NOT NULL,
  client_id              bigint REFERENCES clients(id),
  color                  text COLLATE "C",
  description            text COLLATE "C",
  start_date             text COLLATE "C",
  end_date               text COLLATE "C",
  estimated_mins         bigint,
  fixed_fee_amount       double precision,
  fixed_fee_currency     text COLLATE "C",
  parent_project_id      bigint REFERENCES projects(id),
  private                boolean NOT NULL DEFAULT false,
  billable               boolean NOT NULL DEFAULT false,
  auto_compute_estimates boolean NOT NULL DEFAULT false,
  active                 boolean NOT NULL DEFAULT true,
  archived_at            text COLLATE "C",
  archive_root_id        bigint,  -- the project whose archiving archived this one
  creator_id             bigint NOT NULL REFERENCES users(id),
  created_at             text COLLATE "C" NOT NULL,
  updated_at             text COLLATE "C" NOT NULL,
  deleted_at             text COLLATE "C",
  delete_root_id         bigint   -- the project whose deletion deleted this one
);
CREATE UNIQUE INDEX projects_live_name ON projects(workspace_id, focusd_fold(name)) WHERE deleted_at IS NULL;
CREATE INDEX projects_by_workspace ON projects(workspace_id, id);
CREATE INDEX projects_by_parent ON projects(parent_project_id) WHERE parent_project_id IS NOT NULL;
CREATE INDEX projects_by_archive_root ON projects(archive_root_id) WHERE archive_root_id IS NOT NULL;
CREATE INDEX projects_by_delete_root ON projects(delete_root_id) WHERE delete_root_id IS NOT NULL;
-- The list's `name` filter: a case-insensitive substring, found by trigrams.
CREATE INDEX projects_name_trigrams ON projects USING gin (focusd_fold(name) gin_trgm_ops);
CREATE TABLE project_tags (
  project_id bigint NOT NULL REFERENCES projects(id),
  tag_id     bigint NOT NULL REFERENCES tags(id),
  PRIMARY KEY (project_id, tag_id)
);
CREATE INDEX project_tags_by_tag ON project_tags(tag_id);
CREATE TABLE project_users (
  project_id bigint NOT NULL REFERENCES projects(id),
  user_id    bigint NOT NULL REFERENCES users(id),
  role       text COLLATE "C" NOT NULL CHECK (role IN ('manager', 'member')),
  created_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_users_by_user ON project_users(user_id);
CREATE TABLE groups (
  id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  organization_id bigint NOT NULL REFERENCES organizations(id),
  name            text COLLATE "C" NOT NULL,
  emoji           text COLLATE "C",
  created_at      text COLLATE "C" NOT NULL,
  updated_at      text COLLATE "C" NOT NULL
);
CREATE INDEX groups_by_organization ON groups(organization_id, id);
CREATE TABLE group_users (
  group_id bigint NOT NULL REFERENCES groups(id),
  user_id  bigint NOT NULL REFERENCES users(id),
  PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_users_by_user ON group_users(user_id);
CREATE TABLE group_workspaces (
  group_id     bigint NOT NULL REFERENCES groups(id),
  workspace_id bigint NOT NULL REFERENCES workspaces(id),
  PRIMARY KEY (group_id, workspace_id)
);
CREATE TABLE project_groups (
  project_id bigint NOT NULL REFERENCES projects(id),
  group_id   bigint NOT NULL REFERENCES groups(id),
  role       text COLLATE "C" NOT NULL CHECK (role IN ('manager', 'member')),
  created_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (project_id, group_id)
);
CREATE INDEX project_groups_by_group ON project_groups(group_id);
CREATE TABLE project_pins (
  project_id bigint NOT NULL REFERENCES projects(id),
  user_id    bigint NOT NULL REFERENCES users(id),
  created_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_pins_by_user ON project_pins(user_id);
CREATE TABLE project_rates (
  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  project_id  bigint NOT NULL REFERENCES projects(id),
  hourly_rate double precision NOT NULL,
  currency    text COLLATE "C" NOT NULL,
  start_at    text COLLATE "C" NOT NULL,
  end_at      text COLLATE "C",
  created_at  text COLLATE "C" NOT NULL
);
CREATE INDEX project_rates_by_project ON project_rates(project_id, start_at);
CREATE TABLE tasks (
  id             bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  workspace_id   bigint NOT NULL REFERENCES workspaces(id),
  project_id     bigint REFERENCES projects(id),
  parent_task_id bigint REFERENCES tasks(id),
  name           text COLLATE "C" NOT NULL,
  description    text COLLATE "C",
  estimated_mins bigint,
  start_date     text COLLATE "C",
  end_date       text COLLATE "C",
  priority       text COLLATE "C" NOT NULL DEFAULT 'none' CHECK (priority IN ('none', 'low', 'medium', 'high')),
  private        boolean NOT NULL DEFAULT false,
  billable       boolean NOT NULL DEFAULT false,
  position       bigint NOT NULL DEFAULT 0,
  creator_id     bigint NOT NULL REFERENCES users(id),
  created_at     text COLLATE "C" NOT NULL,
  updated_at     text COLLATE "C" NOT NULL,
  archived_at    text COLLATE "C",
  deleted_at     text COLLATE "C"
);
CREATE INDEX tasks_by_workspace ON tasks(workspace_id, id);
CREATE INDEX tasks_by_project ON tasks(project_id) WHERE project_id IS NOT NULL;
CREATE INDEX tasks_by_parent ON tasks(parent_task_id) WHERE parent_task_id IS NOT NULL;
CREATE TABLE task_tags (
  task_id bigint NOT NULL REFERENCES tasks(id),
  tag_id  bigint NOT NULL REFERENCES tags(id),
  PRIMARY KEY (task_id, tag_id)
);
CREATE TABLE task_pins (
  task_id    bigint NOT NULL REFERENCES tasks(id),
  user_id    bigint NOT NULL REFERENCES users(id),
  created_at text COLLATE "C" NOT NULL,
  PRIMARY KEY (task_id, user_id)
);
CREATE TABLE attachments (
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  parent_kind   text COLLATE "C" NOT NULL CHECK (parent_kind IN ('project', 'task')),
  parent_id     bigint NOT NULL,
  workspace_id  bigint NOT NULL REFERENCES workspaces(id),
  name          text COLLATE "C" NOT NULL,
  mime_type     text COLLATE "C" NOT NULL,
  size          bigint NOT NULL,
  sha256        text COLLATE "C" NOT NULL,
  display_order double precision NOT NULL,
  created_at    text COLLATE "C" NOT NULL,
  updated_at    text COLLATE "C" NOT NULL,
  deleted_at    text COLLATE "C"
);
CREATE INDEX attachments_by_parent ON attachments(parent_kind, parent_id) WHERE deleted_at IS NULL;
CREATE INDEX attachments_by_blob ON attachments(sha256) WHERE deleted_at IS NULL;
CREATE INDEX attachments_by_workspace ON attachments(workspace_id) WHERE deleted_at IS NULL;
-- Time entries: stop is NULL while one runs (one per user and workspace);
-- seconds = stop - start, NULL while running. tag_override: the entry's own
-- tags (time_entry_tags) replace its task's.
CREATE TABLE time_entries (
  id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  workspace_id bigint NOT NULL REFERENCES workspaces(id),
  user_id      bigint NOT NULL REFERENCES users(id),
  task_id      bigint REFERENCES tasks(id),
  project_id   bigint REFERENCES projects(id),
  description  text COLLATE "C",
  type         text COLLATE "C" NOT NULL CHECK (type IN ('activity', 'break')),
  billable     boolean NOT NULL DEFAULT false,
  tag_override boolean NOT NULL DEFAULT false,
  start        text COLLATE "C" NOT NULL,
  stop         text COLLATE "C" CHECK (stop IS NULL OR stop >= start),
  seconds      bigint CHECK (seconds IS NULL OR seconds >= 0),
  timezone     text COLLATE "C" NOT NULL,
  created_at   text COLLATE "C" NOT NULL,
  updated_at   text COLLATE "C" NOT NULL,
  archived_at  text COLLATE "C",
  deleted_at   text COLLATE "C"
);
CREATE UNIQUE INDEX time_entries_one_running ON time_entries(workspace_id, user_id)
  WHERE stop IS NULL AND deleted_at IS NULL;
CREATE INDEX time_entries_by_start ON time_entries(workspace_id, start);
CREATE INDEX time_entries_by_user ON time_entries(workspace_id, user_id, start);
CREATE INDEX time_entries_by_task ON time_entries(task_id, deleted_at, seconds) WHERE task_id IS NOT NULL;
CREATE INDEX time_entries_by_project ON time_entries(project_id, deleted_at, seconds, task_id)
  WHERE project_id IS NOT NULL;
CREATE TABLE time_entry_tags (
  time_entry_id bigint NOT NULL REFERENCES time_entries(id),
  tag_id        bigint NOT NULL REFERENCES tags(id),
  PRIMARY KEY (time_entry_id, tag_id)
);
)sql"},
      {2, epoch_migration()},
      // The name of an attachment's bytes in the blob store when it is not
      // their digest: an upload the S3 store streamed as it came.
      {3, "ALTER TABLE attachments ADD COLUMN blob text;"},
      // Whether an entry's billable came from its task's default
      // (billable_source task_default) rather than from its writer.
      {4, "ALTER TABLE time_entries ADD COLUMN billable_default boolean NOT NULL DEFAULT false;"},
  };
  return kMigrations;
}

Status migrate(Connection& connection, const std::vector<Migration>& migrations) {
  Transaction transaction(connection);
  connection.exec("SELECT pg_advisory_xact_lock($1::bigint)", Params(kMigrationLock));
  connection.exec_script(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at text NOT NULL)");
  const int current =
      static_cast<int>(connection.exec("SELECT coalesce(max(version), 0) FROM schema_migrations").int64(0, 0));
  const int latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest) {
    return schema_too_new(current, latest);
  }
  for (const auto& migration : migrations) {
    if (migration.version <= current) continue;
    connection.exec_script(migration.sql);
    connection.exec("INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                    Params(migration.version, now_rfc3339()));
  }
  transaction.commit();
  return Ok{};
}

}  // namespace focusd::postgres
