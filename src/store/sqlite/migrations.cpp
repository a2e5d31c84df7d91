#include "store/sqlite/migrations.h"

#include "common/time.h"
#include "store/sqlite/connection.h"
#include "store/store.h"

namespace focusd {

const std::vector<Migration>& sqlite_migrations() {
  static const std::vector<Migration> kMigrations = {
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
      {2, R"sql(
CREATE TABLE clients (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  name         TEXT NOT NULL,
  currency     TEXT,
  creator_id   INTEGER NOT NULL REFERENCES users(id),
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  deleted_at   TEXT
);
CREATE UNIQUE INDEX clients_live_name ON clients(workspace_id, name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE TABLE tags (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  name         TEXT NOT NULL,
  color        TEXT,
  creator_id   INTEGER NOT NULL REFERENCES users(id),
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  deleted_at   TEXT
);
CREATE UNIQUE INDEX tags_live_name ON tags(workspace_id, name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE TABLE projects (
  id                     INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id           INTEGER NOT NULL REFERENCES workspaces(id),
  name                   TEXT NOT NULL,
  client_id              INTEGER REFERENCES clients(id),
  color                  TEXT,
  description            TEXT,
  start_date             TEXT,
  end_date               TEXT,
  estimated_mins         INTEGER,
  fixed_fee_amount       REAL,
  fixed_fee_currency     TEXT,
  parent_project_id      INTEGER REFERENCES projects(id),
  private                INTEGER NOT NULL DEFAULT 0,
  billable               INTEGER NOT NULL DEFAULT 0,
  auto_compute_estimates INTEGER NOT NULL DEFAULT 0,
  active                 INTEGER NOT NULL DEFAULT 1,
  archived_at            TEXT,
  archive_root_id        INTEGER,  -- the project whose archiving archived this one
  creator_id             INTEGER NOT NULL REFERENCES users(id),
  created_at             TEXT NOT NULL,
  updated_at             TEXT NOT NULL,
  deleted_at             TEXT,
  delete_root_id         INTEGER   -- the project whose deletion deleted this one
);
CREATE UNIQUE INDEX projects_live_name ON projects(workspace_id, name COLLATE NOCASE) WHERE deleted_at IS NULL;
CREATE INDEX projects_by_workspace ON projects(workspace_id, id);
CREATE INDEX projects_by_parent ON projects(parent_project_id);
CREATE TABLE project_tags (
  project_id INTEGER NOT NULL REFERENCES projects(id),
  tag_id     INTEGER NOT NULL REFERENCES tags(id),
  PRIMARY KEY (project_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX project_tags_by_tag ON project_tags(tag_id);
CREATE TABLE project_users (
  project_id INTEGER NOT NULL REFERENCES projects(id),
  user_id    INTEGER NOT NULL REFERENCES users(id),
  role       TEXT NOT NULL CHECK (role IN ('manager', 'member')),
  created_at TEXT NOT NULL,
  PRIMARY KEY (project_id, user_id)
) WITHOUT ROWID;
CREATE INDEX project_users_by_user ON project_users(user_id);
CREATE TABLE groups (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  organization_id INTEGER NOT NULL REFERENCES organizations(id),
  name            TEXT NOT NULL,
  emoji           TEXT,
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL
);
CREATE TABLE group_users (
  group_id INTEGER NOT NULL REFERENCES groups(id),
  user_id  INTEGER NOT NULL REFERENCES users(id),
  PRIMARY KEY (group_id, user_id)
) WITHOUT ROWID;
CREATE INDEX group_users_by_user ON group_users(user_id);
CREATE TABLE group_workspaces (
  group_id     INTEGER NOT NULL REFERENCES groups(id),
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  PRIMARY KEY (group_id, workspace_id)
) WITHOUT ROWID;
CREATE TABLE project_groups (
  project_id INTEGER NOT NULL REFERENCES projects(id),
  group_id   INTEGER NOT NULL REFERENCES groups(id),
  role       TEXT NOT NULL CHECK (role IN ('manager', 'member')),
  created_at TEXT NOT NULL,
  PRIMARY KEY (project_id, group_id)
) WITHOUT ROWID;
CREATE INDEX project_groups_by_group ON project_groups(group_id);
CREATE TABLE project_pins (
  project_id INTEGER NOT NULL REFERENCES projects(id),
  user_id    INTEGER NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  PRIMARY KEY (project_id, user_id)
) WITHOUT ROWID;
CREATE INDEX project_pins_by_user ON project_pins(user_id);
)sql"},
      {3, R"sql(
CREATE TABLE project_rates (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id  INTEGER NOT NULL REFERENCES projects(id),
  hourly_rate REAL NOT NULL,
  currency    TEXT NOT NULL,
  start_at    TEXT NOT NULL,
  end_at      TEXT,
  created_at  TEXT NOT NULL
);
CREATE INDEX project_rates_by_project ON project_rates(project_id, start_at);
)sql"},
      {4, R"sql(
CREATE TABLE tasks (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id   INTEGER NOT NULL REFERENCES workspaces(id),
  project_id     INTEGER REFERENCES projects(id),
  parent_task_id INTEGER REFERENCES tasks(id),
  name           TEXT NOT NULL,
  description    TEXT,
  estimated_mins INTEGER,
  start_date     TEXT,
  end_date       TEXT,
  priority       TEXT NOT NULL DEFAULT 'none' CHECK (priority IN ('none', 'low', 'medium', 'high')),
  private        INTEGER NOT NULL DEFAULT 0,
  billable       INTEGER NOT NULL DEFAULT 0,
  position       INTEGER NOT NULL DEFAULT 0,
  creator_id     INTEGER NOT NULL REFERENCES users(id),
  created_at     TEXT NOT NULL,
  updated_at     TEXT NOT NULL,
  archived_at    TEXT,
  deleted_at     TEXT
);
CREATE INDEX tasks_by_workspace ON tasks(workspace_id, id);
CREATE INDEX tasks_by_project ON tasks(project_id);
CREATE INDEX tasks_by_parent ON tasks(parent_task_id);
CREATE TABLE task_tags (
  task_id INTEGER NOT NULL REFERENCES tasks(id),
  tag_id  INTEGER NOT NULL REFERENCES tags(id),
  PRIMARY KEY (task_id, tag_id)
) WITHOUT ROWID;
CREATE TABLE task_pins (
  task_id    INTEGER NOT NULL REFERENCES tasks(id),
  user_id    INTEGER NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  PRIMARY KEY (task_id, user_id)
) WITHOUT ROWID;
)sql"},
      {5, R"sql(
CREATE TABLE attachments (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_kind   TEXT NOT NULL CHECK (parent_kind IN ('project', 'task')),
  parent_id     INTEGER NOT NULL,
  workspace_id  INTEGER NOT NULL REFERENCES workspaces(id),
  name          TEXT NOT NULL,
  mime_type     TEXT NOT NULL,
  size          INTEGER NOT NULL,
  sha256        TEXT NOT NULL,
  display_order REAL NOT NULL,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL,
  deleted_at    TEXT
);
CREATE INDEX attachments_by_parent ON attachments(parent_kind, parent_id) WHERE deleted_at IS NULL;
CREATE INDEX attachments_by_blob ON attachments(sha256) WHERE deleted_at IS NULL;
CREATE INDEX attachments_by_workspace ON attachments(workspace_id) WHERE deleted_at IS NULL;
)sql"},
      // A trigram index of project names, so that the list's `name` filter
      // (a case-insensitive substring) finds its candidates without a scan.
      // detail=none: the filter asks for each trigram, never for positions.
      {6, R"sql(
CREATE VIRTUAL TABLE projects_name_index USING fts5(name, content='projects', content_rowid='id', tokenize='trigram',
  detail='none');
CREATE TRIGGER projects_name_index_insert AFTER INSERT ON projects BEGIN
  INSERT INTO projects_name_index(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER projects_name_index_delete AFTER DELETE ON projects BEGIN
  INSERT INTO projects_name_index(projects_name_index, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER projects_name_index_update AFTER UPDATE OF name ON projects BEGIN
  INSERT INTO projects_name_index(projects_name_index, rowid, name) VALUES ('delete', old.id, old.name);
  INSERT INTO projects_name_index(rowid, name) VALUES (new.id, new.name);
END;
INSERT INTO projects_name_index(projects_name_index) VALUES ('rebuild');
)sql"},
      // Time entries: stop is NULL while one runs, and the partial unique
      // index keeps that to one per user and workspace. tag_override: the
      // entry's own tags (time_entry_tags) replace its task's.
      {7, R"sql(
CREATE TABLE time_entries (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace_id INTEGER NOT NULL REFERENCES workspaces(id),
  user_id      INTEGER NOT NULL REFERENCES users(id),
  task_id      INTEGER REFERENCES tasks(id),
  project_id   INTEGER REFERENCES projects(id),
  description  TEXT,
  type         TEXT NOT NULL CHECK (type IN ('activity', 'break')),
  billable     INTEGER NOT NULL DEFAULT 0,
  tag_override INTEGER NOT NULL DEFAULT 0,
  start        TEXT NOT NULL,
  stop         TEXT CHECK (stop IS NULL OR stop >= start),
  timezone     TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  archived_at  TEXT,
  deleted_at   TEXT
);
CREATE UNIQUE INDEX time_entries_one_running ON time_entries(workspace_id, user_id)
  WHERE stop IS NULL AND deleted_at IS NULL;
CREATE INDEX time_entries_by_start ON time_entries(workspace_id, start);
CREATE INDEX time_entries_by_user ON time_entries(workspace_id, user_id, start);
CREATE INDEX time_entries_by_task ON time_entries(task_id) WHERE task_id IS NOT NULL;
CREATE INDEX time_entries_by_project ON time_entries(project_id) WHERE project_id IS NOT NULL;
CREATE TABLE time_entry_tags (
  time_entry_id INTEGER NOT NULL REFERENCES time_entries(id),
  tag_id        INTEGER NOT NULL REFERENCES tags(id),
  PRIMARY KEY (time_entry_id, tag_id)
) WITHOUT ROWID;
)sql"},
      // The aggregates of projects and tasks: seconds (stop - start, NULL
      // while running) kept beside the times, and indexes that cover the
      // sums so a project list reads no entry rows.
      {8, R"sql(
ALTER TABLE time_entries ADD COLUMN seconds INTEGER CHECK (seconds IS NULL OR seconds >= 0);
UPDATE time_entries SET seconds = unixepoch(stop) - unixepoch(start) WHERE stop IS NOT NULL;
DROP INDEX time_entries_by_task;
DROP INDEX time_entries_by_project;
CREATE INDEX time_entries_by_task ON time_entries(task_id, deleted_at, seconds) WHERE task_id IS NOT NULL;
CREATE INDEX time_entries_by_project ON time_entries(project_id, deleted_at, seconds, task_id)
  WHERE project_id IS NOT NULL;
)sql"},
      // The name index without its per-row size table (columnsize=0): the
      // filter never ranks, and a create writes one page less.
      {9, R"sql(
DROP TRIGGER projects_name_index_insert;
DROP TRIGGER projects_name_index_delete;
DROP TRIGGER projects_name_index_update;
DROP TABLE projects_name_index;
CREATE VIRTUAL TABLE projects_name_index USING fts5(name, content='projects', content_rowid='id', tokenize='trigram',
  detail='none', columnsize=0);
CREATE TRIGGER projects_name_index_insert AFTER INSERT ON projects BEGIN
  INSERT INTO projects_name_index(rowid, name) VALUES (new.id, new.name);
END;
CREATE TRIGGER projects_name_index_delete AFTER DELETE ON projects BEGIN
  INSERT INTO projects_name_index(projects_name_index, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER projects_name_index_update AFTER UPDATE OF name ON projects BEGIN
  INSERT INTO projects_name_index(projects_name_index, rowid, name) VALUES ('delete', old.id, old.name);
  INSERT INTO projects_name_index(rowid, name) VALUES (new.id, new.name);
END;
INSERT INTO projects_name_index(projects_name_index) VALUES ('rebuild');
)sql"},
      // New projects' names are indexed when their write group commits, not
      // row by row: FTS5 writes a segment at every savepoint, so a group of
      // 16 creates wrote 16. projects_name_pending holds the ids created
      // since (empty at every commit focusd makes); an update or delete of a
      // pending project leaves the index alone.
      {10, R"sql(
CREATE TABLE projects_name_pending (id INTEGER PRIMARY KEY);
DROP TRIGGER projects_name_index_insert;
DROP TRIGGER projects_name_index_delete;
DROP TRIGGER projects_name_index_update;
CREATE TRIGGER projects_name_index_insert AFTER INSERT ON projects BEGIN
  INSERT INTO projects_name_pending(id) VALUES (new.id);
END;
CREATE TRIGGER projects_name_index_delete AFTER DELETE ON projects BEGIN
  INSERT INTO projects_name_index(projects_name_index, rowid, name)
    SELECT 'delete', old.id, old.name WHERE NOT EXISTS (SELECT 1 FROM projects_name_pending WHERE id = old.id);
  DELETE FROM projects_name_pending WHERE id = old.id;
END;
CREATE TRIGGER projects_name_index_update AFTER UPDATE OF name ON projects
  WHEN NOT EXISTS (SELECT 1 FROM projects_name_pending WHERE id = old.id) BEGIN
  INSERT INTO projects_name_index(projects_name_index, rowid, name) VALUES ('delete', old.id, old.name);
  INSERT INTO projects_name_index(rowid, name) VALUES (new.id, new.name);
END;
)sql"},
      // Names are indexed in batches, not at every commit: a lone client's
      // create wrote an index segment (three to four pages) and a pending row
      // each time. projects_name_indexed holds the highest project id whose
      // name is indexed (the watermark); a name search also reads the
      // projects above it. Top-level projects (most of them) write no page
      // of the parent index.
      {11, R"sql(
INSERT INTO projects_name_index(rowid, name)
  SELECT p.id, p.name FROM projects_name_pending q JOIN projects p ON p.id = q.id;
DROP TRIGGER projects_name_index_insert;
DROP TRIGGER projects_name_index_delete;
DROP TRIGGER projects_name_index_update;
DROP TABLE projects_name_pending;
CREATE TABLE projects_name_indexed (up_to INTEGER NOT NULL);
INSERT INTO projects_name_indexed(up_to) SELECT coalesce(max(id), 0) FROM projects;
CREATE TRIGGER projects_name_index_delete AFTER DELETE ON projects
  WHEN old.id <= (SELECT up_to FROM projects_name_indexed) BEGIN
  INSERT INTO projects_name_index(projects_name_index, rowid, name) VALUES ('delete', old.id, old.name);
END;
CREATE TRIGGER projects_name_index_update AFTER UPDATE OF name ON projects
  WHEN old.id <= (SELECT up_to FROM projects_name_indexed) BEGIN
  INSERT INTO projects_name_index(projects_name_index, rowid, name) VALUES ('delete', old.id, old.name);
  INSERT INTO projects_name_index(rowid, name) VALUES (new.id, new.name);
END;
DROP INDEX projects_by_parent;
CREATE INDEX projects_by_parent ON projects(parent_project_id) WHERE parent_project_id IS NOT NULL;
)sql"},
      // The name of an attachment's bytes in the blob store when it is not
      // their digest: an upload the S3 store streamed as it came.
      {12, R"sql(
ALTER TABLE attachments ADD COLUMN blob TEXT;
)sql"},
      // Whether an entry's billable came from its task's default
      // (billable_source task_default) rather than from its writer.
      {13, R"sql(
ALTER TABLE time_entries ADD COLUMN billable_default INTEGER NOT NULL DEFAULT 0;
)sql"},
  };
  return kMigrations;
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
    return schema_too_new(current, latest);
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
