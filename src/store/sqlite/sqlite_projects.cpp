// Projects: the tree, visibility, archive/delete cascades, pins.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <functional>
#include <unordered_map>

#include "common/time.h"
#include "store/sql_order.h"
#include "store/sqlite/sql_common.h"
#include "store/sqlite/sqlite_store.h"

namespace focusd {

using sqlite::Connection;
using sqlite::json_ids;
using sqlite::my_rank;
using sqlite::Statement;
using sqlite::Transaction;

namespace {

// Whether the viewer (?1) pinned the project.
const std::string kPinnedExpr = "EXISTS (SELECT 1 FROM project_pins pp WHERE pp.project_id = p.id AND pp.user_id = ?1)";
const std::string kPinned = kPinnedExpr + " AS pinned";
const std::string kJoinClient = " LEFT JOIN clients c ON c.id = p.client_id ";
const std::string kFromProjects = " FROM projects p" + kJoinClient;
// The order when none is asked for (and the expression of `name`).
constexpr std::string_view kByName = "p.name COLLATE NOCASE";

// Columns read by read_project(), over `projects p LEFT JOIN clients c`.
const std::string kProjectColumns =
    "SELECT p.id, p.workspace_id, p.name, p.client_id, c.name, p.color, p.description, p.start_date, p.end_date,"
    " p.estimated_mins, p.fixed_fee_amount, p.fixed_fee_currency, p.parent_project_id, p.private, p.billable,"
    " p.auto_compute_estimates, p.active, p.archived_at, p.deleted_at, p.creator_id, p.created_at, p.updated_at, " +
    kPinned + ", COALESCE(" + my_rank("p.id") +
    ", 0),"
    " (SELECT COALESCE(SUM(t.estimated_mins), 0) FROM tasks t WHERE t.project_id = p.id AND t.deleted_at IS NULL),"
    " (SELECT COALESCE(SUM(e.seconds), 0) FROM time_entries e WHERE e.project_id = p.id AND e.deleted_at IS NULL"
    "  AND e.seconds IS NOT NULL AND (e.task_id IS NULL OR"
    "  NOT EXISTS (SELECT 1 FROM tasks et WHERE et.id = e.task_id AND et.deleted_at IS NOT NULL))),"
    " CASE WHEN p.parent_project_id IS NULL THEN 0 ELSE (SELECT pp.private = 1 AND " +
    my_rank("pp.id") + " IS NULL FROM projects pp WHERE pp.id = p.parent_project_id) END" + kFromProjects;

// ?2 = the viewer sees everything (organization owner or admin).
const std::string kVisible = "(?2 OR p.private = 0 OR " + my_rank("p.id") + " IS NOT NULL)";

ProjectRecord read_project(const Statement& s) {
  ProjectRecord p;
  p.id = s.int64(0);
  p.workspace_id = s.int64(1);
  p.fields.name = s.text(2);
  p.fields.client_id = s.optional_int64(3);
  p.client_name = s.optional_text(4);
  p.fields.color = s.optional_text(5);
  p.fields.description = s.optional_text(6);
  p.fields.start_date = s.optional_text(7);
  p.fields.end_date = s.optional_text(8);
  p.fields.estimated_mins = s.optional_int64(9);
  if (!s.is_null(10)) p.fields.fixed_fee = FixedFee{s.real(10), s.text(11)};
  p.fields.parent_project_id = s.optional_int64(12);
  p.fields.is_private = s.int64(13) != 0;
  p.fields.billable = s.int64(14) != 0;
  p.fields.auto_compute_estimates = s.int64(15) != 0;
  p.active = s.int64(16) != 0;
  p.archived_at = s.optional_text_view(17);
  p.deleted_at = s.optional_text_view(18);
  p.creator_id = s.int64(19);
  p.created_at = s.text_view(20);
  p.updated_at = s.text_view(21);
  p.pinned = s.int64(22) != 0;
  p.viewer_role = sqlite::role_of_rank(s.int64(23));
  p.task_estimated_mins = s.int64(24);
  p.tracked_seconds = s.int64(25);
  p.parent_private_to_viewer = s.int64(26) != 0;
  return p;
}

// The `name` filter as an FTS5 query for projects_name_index: trigrams that
// cover it end to end without overlapping (and the last one), each quoted,
// joined by AND. Rows holding them all are candidates; the filter's own
// LIKE decides. FTS5 reads each trigram's whole list of rows, so a third of
// the trigrams costs a third; a filter under three characters has none and
// scans instead.
std::optional<std::string> trigram_query(const std::optional<std::string>& name) {
  if (!name) return std::nullopt;
  std::vector<std::size_t> starts;  // where each UTF-8 character begins
  for (std::size_t i = 0; i < name->size(); ++i) {
    if ((static_cast<unsigned char>((*name)[i]) & 0xC0) != 0x80) starts.push_back(i);
  }
  if (starts.size() < 3) return std::nullopt;
  const std::size_t last = starts.size() - 3;  // the index of the last trigram's first character
  starts.push_back(name->size());
  std::vector<std::string> chosen;
  for (std::size_t i = 0;; i = std::min(i + 3, last)) {
    std::string trigram = name->substr(starts[i], starts[i + 3] - starts[i]);
    if (std::find(chosen.begin(), chosen.end(), trigram) == chosen.end()) chosen.push_back(std::move(trigram));
    if (i == last) break;
  }
  std::string query;
  for (const auto& trigram : chosen) {
    if (!query.empty()) query += " AND ";
    query += '"';
    for (char c : trigram) query += c == '"' ? std::string("\"\"") : std::string(1, c);
    query += '"';
  }
  return query;
}

Result<ProjectRecord> find(Connection& db, std::int64_t workspace_id, std::int64_t project_id, const Viewer& viewer,
                           bool include_deleted) {
  static const std::string kSql =
      kProjectColumns + "WHERE p.id = ?3 AND p.workspace_id = ?4 AND " + kVisible + " AND (?5 OR p.deleted_at IS NULL)";
  auto stmt = db.prepare(kSql);
  stmt.bind_all(viewer.user_id, viewer.sees_all ? 1 : 0, project_id, workspace_id, include_deleted ? 1 : 0);
  if (!stmt.step()) return make_error(ErrorCode::NotFound, "project not found");
  std::vector<ProjectRecord> one;
  one.push_back(read_project(stmt));  // not one{...}: an initializer list is copied
  sqlite::attach_tags(db, sqlite::kProjectLinks, one);
  return std::move(one.front());
}

// The ids of a project's live descendants, however deep (UNION, not UNION
// ALL: a cycle in damaged data ends the walk instead of looping).
std::vector<std::int64_t> descendants(Connection& db, std::int64_t project_id) {
  auto stmt = db.prepare(
      "WITH RECURSIVE tree(id) AS (SELECT id FROM projects WHERE parent_project_id = ?1 AND deleted_at IS NULL"
      " UNION SELECT p.id FROM projects p JOIN tree ON p.parent_project_id = tree.id WHERE p.deleted_at IS NULL)"
      " SELECT id FROM tree ORDER BY id");
  stmt.bind_all(project_id);
  std::vector<std::int64_t> ids;
  while (stmt.step()) ids.push_back(stmt.int64(0));
  return ids;
}

// The ids of a project's ancestors, parent first, up to the root (or until
// one comes round again: only damaged data has a cycle).
std::vector<std::int64_t> ancestors(Connection& db, std::int64_t project_id) {
  std::vector<std::int64_t> ids;
  for (std::int64_t current = project_id;;) {
    auto stmt = db.prepare("SELECT parent_project_id FROM projects WHERE id = ?1");
    stmt.bind_all(current);
    if (!stmt.step() || stmt.is_null(0)) break;
    current = stmt.int64(0);
    if (std::find(ids.begin(), ids.end(), current) != ids.end()) break;
    ids.push_back(current);
  }
  return ids;
}

// Levels below the project (0 for a leaf), deleted projects included: restore
// brings them back. Counted up to kHeightLimit, far past any depth the tree
// rule allows, which also ends the walk round a cycle in damaged data.
constexpr int kHeightLimit = 64;
int height(Connection& db, std::int64_t project_id) {
  auto stmt = db.prepare(
      "WITH RECURSIVE tree(id, depth) AS (SELECT id, 1 FROM projects WHERE parent_project_id = ?1"
      " UNION ALL SELECT p.id, tree.depth + 1 FROM projects p JOIN tree ON p.parent_project_id = tree.id"
      " WHERE tree.depth < ?2) SELECT COALESCE(MAX(depth), 0) FROM tree");
  stmt.bind_all(project_id, kHeightLimit);
  return stmt.step() ? static_cast<int>(stmt.int64(0)) : 0;
}

// Where the project stands now, with everything below it.
TreePlacement placement_of(Connection& db, std::int64_t project_id) {
  return TreePlacement{project_id, ancestors(db, project_id), height(db, project_id)};
}

// Checks what the fields point at; `current` is the project being updated as
// it stands (nullptr on create). A client or parent it holds already stands,
// even where that client was deleted since or the parent is a project the
// viewer may not see: only a new one is checked, so that a PATCH of the
// description never fails on what it leaves alone. A new parent that is
// private to the viewer (ProjectRecord::parent_private_to_viewer) sets
// `*parent_private`.
Status check_references(Connection& db, std::int64_t workspace_id, const Viewer& viewer, const ProjectFields& f,
                        const ProjectRecord* current, const Store::TreeRule& tree_rule,
                        bool* parent_private = nullptr) {
  const std::int64_t self = current ? current->id : 0;
  if (f.client_id && (!current || f.client_id != current->fields.client_id)) {
    auto stmt = db.prepare("SELECT 1 FROM clients WHERE id = ?1 AND workspace_id = ?2 AND deleted_at IS NULL");
    stmt.bind_all(*f.client_id, workspace_id);
    if (!stmt.step()) return invalid("client_id", "no such client in this workspace");
  }
  for (auto tag_id : f.tag_ids) {
    auto stmt = db.prepare("SELECT 1 FROM tags WHERE id = ?1 AND workspace_id = ?2 AND deleted_at IS NULL");
    stmt.bind_all(tag_id, workspace_id);
    if (!stmt.step()) return invalid("tag_ids", "no such tag in this workspace: " + std::to_string(tag_id));
  }
  if (f.parent_project_id && (!current || f.parent_project_id != current->fields.parent_project_id)) {
    const std::int64_t parent = *f.parent_project_id;
    auto found = find(db, workspace_id, parent, viewer, false);
    if (!found) return invalid("parent_project_id", "no such project in this workspace");
    if (parent_private) *parent_private = found->fields.is_private && found->viewer_role == ProjectRole::None;
    TreePlacement placement{self, {parent}, self ? height(db, self) : 0};
    const auto above = ancestors(db, parent);
    placement.ancestors.insert(placement.ancestors.end(), above.begin(), above.end());
    if (auto placed = tree_rule(placement); !placed) return placed;
  }
  return Ok{};
}

std::optional<double> fee_amount(const ProjectFields& f) {
  return f.fixed_fee ? std::optional<double>(f.fixed_fee->amount) : std::nullopt;
}
std::optional<std::string> fee_currency(const ProjectFields& f) {
  return f.fixed_fee ? std::optional<std::string>(f.fixed_fee->currency) : std::nullopt;
}

const sql::OrderColumns& project_order_columns() {
  static const sql::OrderColumns kColumns = {{"name", kByName},
                                             {"client_id", "p.client_id"},
                                             {"client_name", "c.name COLLATE NOCASE"},
                                             {"parent_project_id", "p.parent_project_id"},
                                             {"private", "p.private"},
                                             {"active", "p.active"},
                                             {"billable", "p.billable"},
                                             {"created_at", "p.created_at"},
                                             {"updated_at", "p.updated_at"},
                                             {"toggl_user_id", "p.creator_id"},
                                             {"created_by_user", "p.creator_id"},
                                             {"pinned", kPinnedExpr},
                                             {"start_date", "p.start_date"},
                                             {"end_date", "p.end_date"},
                                             {"relevance", kByName}};
  return kColumns;
}

// The `name` filter as a LIKE pattern: the text anywhere in the name, its
// `%`, `_` and `\` taken literally. LIKE folds ASCII letters only, as lower()
// does.
std::optional<std::string> like_pattern(const std::optional<std::string>& name) {
  if (!name) return std::nullopt;
  std::string pattern = "%";
  for (char c : *name) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  return pattern + "%";
}

}  // namespace

Result<ProjectList> SqliteStore::list_projects(const ProjectQuery& q) {
  // No name holds a NUL (names refuse control characters) or more than 255
  // bytes, so such a filter matches nothing; LIKE would read a pattern only up
  // to its NUL, and refuses one past 50,000 bytes.
  constexpr std::size_t kLongestName = 255;
  if (q.name && (q.name->find('\0') != std::string::npos || q.name->size() > kLongestName)) return ProjectList{};
  if (q.matches_nothing) return ProjectList{};
  const auto name_match = trigram_query(q.name);
  const auto name_pattern = like_pattern(q.name);
  return read([&](Connection& db) -> Result<ProjectList> {
    // ?1 viewer, ?2 sees_all, ?3 workspace, ?4 pinned, ?5 active, ?6 private, ?7 the name's LIKE pattern,
    // ?8 clients, ?9 creators, ?10 tags, ?11 projects, ?12 users, ?13 start, ?14 end, ?15 and ?16 the
    // page, ?17 the name's trigrams.
    // With trigrams, the candidates drive (CROSS JOIN keeps SQLite from
    // walking the workspace's name index, for the order, past every project):
    // the index's matches and the projects above its watermark, which it
    // does not hold yet; LIKE decides.
    const std::string from = name_match ? " FROM (SELECT rowid AS id FROM projects_name_index WHERE"
                                          " projects_name_index MATCH ?17 UNION ALL SELECT id FROM projects"
                                          " WHERE id > (SELECT up_to FROM projects_name_indexed)) f"
                                          " CROSS JOIN projects p ON p.id = f.id" +
                                              kJoinClient
                                        : kFromProjects;
    // Only the filters the query has: a test that always passes (`?8 is
    // empty OR ...`) still costs its evaluation on every candidate row
    // (bench/run's name-filtered page of 100k projects: 1,368 -> 1,448 lists/s
    // in build/bench/store-lists). Each parameter keeps its number: a
    // statement binds ?1-?3 and then only the filters it holds.
    // A viewer who sees everything needs no visibility test either.
    std::string where = "WHERE p.workspace_id = ?3 AND p.deleted_at IS NULL";
    if (!q.viewer.sees_all) where += " AND " + kVisible;
    std::vector<std::function<void(Statement&)>> filters;
    auto filter = [&](const std::string& condition, int index, auto value) {
      where += " AND " + condition;
      filters.emplace_back([index, value = std::move(value)](Statement& stmt) { stmt.bind(index, value); });
    };
    if (q.pinned) filter(kPinnedExpr + " = ?4", 4, std::int64_t{*q.pinned ? 1 : 0});
    if (q.archived != ArchivedFilter::All) {
      filter("p.active = ?5", 5, std::int64_t{q.archived == ArchivedFilter::Active ? 1 : 0});
    }
    if (q.is_private) filter("p.private = ?6", 6, std::int64_t{*q.is_private ? 1 : 0});
    if (name_pattern) {
      // ESCAPE only where the pattern has escapes: LIKE reads and checks it anew for every row.
      const bool escaped = name_pattern->find('\\') != std::string::npos;
      filter(escaped ? "p.name LIKE ?7 ESCAPE '\\'" : "p.name LIKE ?7", 7, *name_pattern);
    }
    if (!q.client_ids.empty()) {
      filter("p.client_id IN (SELECT value FROM json_each(?8))", 8, json_ids(q.client_ids));
    }
    if (!q.creator_ids.empty()) {
      filter("p.creator_id IN (SELECT value FROM json_each(?9))", 9, json_ids(q.creator_ids));
    }
    if (!q.tag_ids.empty()) {
      filter(
          "EXISTS (SELECT 1 FROM project_tags pt JOIN tags tg ON tg.id = pt.tag_id AND tg.deleted_at IS NULL"
          " WHERE pt.project_id = p.id AND pt.tag_id IN (SELECT value FROM json_each(?10)))",
          10, json_ids(q.tag_ids));
    }
    if (!q.project_ids.empty()) filter("p.id IN (SELECT value FROM json_each(?11))", 11, json_ids(q.project_ids));
    if (!q.user_ids.empty()) {
      filter(
          "EXISTS (SELECT 1 FROM json_each(?12) u"
          " JOIN workspaces w ON w.id = p.workspace_id"
          " JOIN organization_users ou ON ou.organization_id = w.organization_id"
          "  AND ou.user_id = u.value WHERE ou.role IN ('owner', 'admin') OR p.private = 0"
          "  OR EXISTS (SELECT 1 FROM project_users x WHERE x.project_id = p.id AND x.user_id = u.value)"
          "  OR EXISTS (SELECT 1 FROM project_groups g JOIN group_users gu ON"
          "   gu.group_id = g.group_id WHERE g.project_id = p.id AND gu.user_id = u.value))",
          12, json_ids(q.user_ids));
    }
    if (q.start_date) filter("p.end_date >= ?13", 13, *q.start_date);
    if (q.end_date) filter("p.start_date <= ?14", 14, *q.end_date);
    auto bind = [&](Statement& stmt) {
      stmt.bind_all(q.viewer.user_id, q.viewer.sees_all ? 1 : 0, q.workspace_id);
      for (const auto& bind_filter : filters) bind_filter(stmt);
      if (name_match) stmt.bind(17, *name_match);
    };
    ProjectList list;
    // One pass over the matches (the name filter's trigram lookup is the
    // costly part, so it runs once) keeps each one's id and sort keys, k0,
    // k1, ... (a COLLATE stays with its column); the total counts them and
    // the page is sorted from them. Then the page's whole rows, aggregates
    // and all, are read by id.
    std::string matches = "p.id AS id";
    std::string order;
    const auto keys = sql::order_keys(q.order, project_order_columns(), kByName);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const std::string column = "k" + std::to_string(i);
      matches += ", " + std::string(keys[i].first) + " AS " + column;
      order += (i == 0 ? " ORDER BY " : ", ") + column + (keys[i].second ? " DESC" : "");
    }
    order += order.empty() ? " ORDER BY id" : ", id";
    auto page = db.prepare("WITH m AS MATERIALIZED (SELECT " + matches + from + where +
                           ") SELECT id, (SELECT COUNT(*) FROM m) FROM m" + order + " LIMIT ?15 OFFSET ?16");
    bind(page);
    page.bind(15, q.page.per_page).bind(16, q.page.offset());
    std::vector<std::int64_t> ids;
    while (page.step()) {
      ids.push_back(page.int64(0));
      list.total = page.int64(1);
    }
    if (ids.empty()) {  // a page past the end: nothing to show, but the total still counts
      auto count = db.prepare("SELECT COUNT(*)" + from + where);
      bind(count);
      if (count.step()) list.total = count.int64(0);
      return list;
    }
    auto stmt = db.prepare(kProjectColumns + "WHERE p.id IN (SELECT value FROM json_each(?3))" +
                           sql::order_clause(q.order, project_order_columns(), kByName, "p.id"));
    stmt.bind_all(q.viewer.user_id, q.viewer.sees_all ? 1 : 0, json_ids(ids));
    while (stmt.step()) list.items.push_back(read_project(stmt));
    sqlite::attach_tags(db, sqlite::kProjectLinks, list.items);
    return list;
  });
}

Result<ProjectRecord> SqliteStore::find_project(std::int64_t workspace_id, std::int64_t project_id,
                                                const Viewer& viewer, bool include_deleted) {
  return read([&](Connection& db) { return find(db, workspace_id, project_id, viewer, include_deleted); });
}

Result<ProjectRecord> SqliteStore::create_project(std::int64_t workspace_id, const Viewer& creator,
                                                  const ProjectFields& f, bool pinned, const TreeRule& tree_rule) {
  return write([&](Connection& db) -> Result<ProjectRecord> {
    Transaction tx(db);
    bool parent_private = false;
    if (auto status = check_references(db, workspace_id, creator, f, nullptr, tree_rule, &parent_private); !status) {
      return status.error();
    }
    const std::string now = now_rfc3339();
    db.prepare(
          "INSERT INTO projects (workspace_id, name, client_id, color, description, start_date, end_date,"
          " estimated_mins, fixed_fee_amount, fixed_fee_currency, parent_project_id, private, billable,"
          " auto_compute_estimates, creator_id, created_at, updated_at)"
          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?16)")
        .bind_all(workspace_id, f.name, f.client_id, f.color, f.description, f.start_date, f.end_date, f.estimated_mins,
                  fee_amount(f), fee_currency(f), f.parent_project_id, f.is_private ? 1 : 0, f.billable ? 1 : 0,
                  f.auto_compute_estimates ? 1 : 0, creator.user_id, now)
        .run();
    const std::int64_t id = db.last_insert_id();
    if (!f.tag_ids.empty()) sqlite::write_tags(db, sqlite::kProjectLinks, id, f.tag_ids);  // a new row has none
    db.prepare("INSERT INTO project_users (project_id, user_id, role, created_at) VALUES (?1, ?2, 'manager', ?3)")
        .bind_all(id, creator.user_id, now)
        .run();
    if (pinned) sqlite::write_pin(db, sqlite::kProjectLinks, id, creator.user_id, true);
    // The new row as find() would read it back, without reading it (a lone
    // client waits for this writer): it holds what was given, has no tasks or
    // time entries yet, and its creator manages it.
    std::vector<ProjectRecord> created(1);
    ProjectRecord& p = created.front();
    p.id = id;
    p.workspace_id = workspace_id;
    p.fields = f;
    p.creator_id = creator.user_id;
    p.created_at = p.updated_at = now;
    p.pinned = pinned;
    p.viewer_role = ProjectRole::Manager;
    p.parent_private_to_viewer = parent_private;
    if (f.client_id) {
      auto client = db.prepare("SELECT name FROM clients WHERE id = ?1");
      client.bind_all(*f.client_id);
      if (client.step()) p.client_name = client.text(0);
    }
    if (!f.tag_ids.empty()) sqlite::attach_tags(db, sqlite::kProjectLinks, created);
    tx.commit();
    return std::move(p);
  });
}

Result<ProjectRecord> SqliteStore::update_project(std::int64_t workspace_id, std::int64_t project_id,
                                                  const Viewer& viewer, const ProjectFields& f,
                                                  std::optional<bool> pinned, const TreeRule& tree_rule) {
  return write([&](Connection& db) -> Result<ProjectRecord> {
    Transaction tx(db);
    auto found = find(db, workspace_id, project_id, viewer, false);
    if (!found) return found.error();
    if (auto status = check_references(db, workspace_id, viewer, f, &*found, tree_rule); !status) {
      return status.error();
    }
    db.prepare(
          "UPDATE projects SET name = ?2, client_id = ?3, color = ?4, description = ?5, start_date = ?6,"
          " end_date = ?7, estimated_mins = ?8, fixed_fee_amount = ?9, fixed_fee_currency = ?10,"
          " parent_project_id = ?11, private = ?12, billable = ?13, auto_compute_estimates = ?14, updated_at = ?15"
          " WHERE id = ?1")
        .bind_all(project_id, f.name, f.client_id, f.color, f.description, f.start_date, f.end_date, f.estimated_mins,
                  fee_amount(f), fee_currency(f), f.parent_project_id, f.is_private ? 1 : 0, f.billable ? 1 : 0,
                  f.auto_compute_estimates ? 1 : 0, now_rfc3339())
        .run();
    sqlite::write_tags(db, sqlite::kProjectLinks, project_id, f.tag_ids);
    if (pinned) sqlite::write_pin(db, sqlite::kProjectLinks, project_id, viewer.user_id, *pinned);
    auto updated = find(db, workspace_id, project_id, viewer, false);
    tx.commit();
    return updated;
  });
}

Status SqliteStore::set_project_archived(std::int64_t workspace_id, std::int64_t project_id, bool archived) {
  return write([&](Connection& db) -> Status {
    Transaction tx(db);
    auto stmt = db.prepare("SELECT active FROM projects WHERE id = ?1 AND workspace_id = ?2 AND deleted_at IS NULL");
    stmt.bind_all(project_id, workspace_id);
    if (!stmt.step()) return make_error(ErrorCode::NotFound, "project not found");
    const bool active = stmt.int64(0) != 0;
    const std::string now = now_rfc3339();
    if (archived && active) {
      auto ids = descendants(db, project_id);
      ids.insert(ids.begin(), project_id);
      db.prepare(
            "UPDATE projects SET active = 0, archived_at = ?2, archive_root_id = ?3, updated_at = ?2"
            " WHERE id IN (SELECT value FROM json_each(?1)) AND active = 1")
          .bind_all(json_ids(ids), now, project_id)
          .run();
    } else if (!archived) {
      db.prepare(
            "UPDATE projects SET active = 1, archived_at = NULL, archive_root_id = NULL, updated_at = ?2"
            " WHERE (id = ?1 OR archive_root_id = ?1) AND active = 0 AND deleted_at IS NULL")
          .bind_all(project_id, now)
          .run();
    }
    tx.commit();
    return Ok{};
  });
}

Status SqliteStore::set_project_deleted(std::int64_t workspace_id, std::int64_t project_id, bool deleted,
                                        const TreeRule& tree_rule) {
  return write([&](Connection& db) -> Status {
    Transaction tx(db);
    auto stmt = db.prepare(
        "SELECT p.deleted_at IS NOT NULL, parent.deleted_at IS NOT NULL FROM projects p"
        " LEFT JOIN projects parent ON parent.id = p.parent_project_id WHERE p.id = ?1 AND p.workspace_id = ?2");
    stmt.bind_all(project_id, workspace_id);
    if (!stmt.step()) return make_error(ErrorCode::NotFound, "project not found");
    const bool is_deleted = stmt.int64(0) != 0;
    const bool parent_deleted = stmt.int64(1) != 0;
    const std::string now = now_rfc3339();
    if (deleted) {
      if (is_deleted) return make_error(ErrorCode::NotFound, "project not found");
      auto ids = descendants(db, project_id);
      ids.insert(ids.begin(), project_id);
      db.prepare(
            "UPDATE projects SET deleted_at = ?2, delete_root_id = ?3, updated_at = ?2"
            " WHERE id IN (SELECT value FROM json_each(?1)) AND deleted_at IS NULL")
          .bind_all(json_ids(ids), now, project_id)
          .run();
    } else if (is_deleted) {
      if (parent_deleted) return make_error(ErrorCode::Conflict, "restore the parent project first");
      if (auto placed = tree_rule(placement_of(db, project_id)); !placed) return placed;
      db.prepare(
            "UPDATE projects SET deleted_at = NULL, delete_root_id = NULL, updated_at = ?2"
            " WHERE (id = ?1 OR delete_root_id = ?1) AND deleted_at IS NOT NULL")
          .bind_all(project_id, now)
          .run();
    }
    tx.commit();
    return Ok{};
  });
}

Status SqliteStore::set_project_pinned(std::int64_t project_id, std::int64_t user_id, bool pinned) {
  return write([&](Connection& db) -> Status {
    sqlite::write_pin(db, sqlite::kProjectLinks, project_id, user_id, pinned);
    return Ok{};
  });
}

Result<std::vector<ProjectRecord>> SqliteStore::related_projects(std::int64_t workspace_id, std::int64_t project_id,
                                                                 const Viewer& viewer, Relation relation,
                                                                 const Ordering& order, const Page& page) {
  return read([&](Connection& db) -> Result<std::vector<ProjectRecord>> {
    if (auto found = find(db, workspace_id, project_id, viewer, false); !found) return found.error();
    const auto ids = relation == Relation::Children ? descendants(db, project_id) : ancestors(db, project_id);
    auto stmt = db.prepare(kProjectColumns +
                           "WHERE p.id IN (SELECT value FROM json_each(?3)) AND p.deleted_at IS NULL AND " + kVisible +
                           sql::order_clause(order, project_order_columns(), kByName, "p.id") + " LIMIT ?4 OFFSET ?5");
    stmt.bind_all(viewer.user_id, viewer.sees_all ? 1 : 0, json_ids(ids), page.per_page, page.offset());
    std::vector<ProjectRecord> result;
    while (stmt.step()) result.push_back(read_project(stmt));
    sqlite::attach_tags(db, sqlite::kProjectLinks, result);
    return result;
  });
}

}  // namespace focusd
