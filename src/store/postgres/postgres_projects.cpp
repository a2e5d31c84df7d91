// Projects on PostgreSQL: the tree, visibility, archive/delete cascades, pins
// (the rules of sqlite/sqlite_projects.cpp). Tree changes and cascades lock
// the workspace's row first, so that two of them in one workspace run one
// after another: no cycle from two moves at once, no live child under a
// parent deleted meanwhile.
#include <algorithm>
#include <unordered_map>

#include "common/metrics.h"
#include "common/time.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/sql_common.h"
#include "store/sql_order.h"

namespace focusd {

using postgres::Connection;
using postgres::id_array;
using postgres::my_rank;
using postgres::Params;
using postgres::Rows;

namespace {

// Whether the viewer ($1) pinned the project.
const std::string kPinnedExpr = "EXISTS (SELECT 1 FROM project_pins pp WHERE pp.project_id = p.id AND pp.user_id = $1)";
const std::string kJoinClient = " LEFT JOIN clients c ON c.id = p.client_id ";
const std::string kFromProjects = " FROM projects p" + kJoinClient;
// The order when none is asked for (and the expression of `name`).
constexpr std::string_view kByName = "focusd_fold(p.name)";

// Columns read by read_project(), over `projects p LEFT JOIN clients c`; $1 = the viewer.
const std::string kProjectColumns =
    "SELECT p.id, p.workspace_id, p.name, p.client_id, c.name, p.color, p.description, p.start_date, p.end_date,"
    " p.estimated_mins, p.fixed_fee_amount, p.fixed_fee_currency, p.parent_project_id, p.private, p.billable,"
    " p.auto_compute_estimates, p.active, p.archived_at, p.deleted_at, p.creator_id, p.created_at, p.updated_at, " +
    kPinnedExpr + ", COALESCE(" + my_rank("p.id") +
    ", 0),"
    " (SELECT COALESCE(SUM(t.estimated_mins), 0)::bigint FROM tasks t WHERE t.project_id = p.id"
    "  AND t.deleted_at IS NULL),"
    " (SELECT COALESCE(SUM(e.seconds), 0)::bigint FROM time_entries e WHERE e.project_id = p.id"
    "  AND e.deleted_at IS NULL AND e.seconds IS NOT NULL AND (e.task_id IS NULL OR"
    "  NOT EXISTS (SELECT 1 FROM tasks et WHERE et.id = e.task_id AND et.deleted_at IS NOT NULL))), " +
    postgres::tags_json(sql::kProjectLinks, "p.id") +
    ", p.parent_project_id IS NOT NULL AND COALESCE((SELECT pp.private AND " + my_rank("pp.id") +
    " IS NULL FROM projects pp WHERE pp.id = p.parent_project_id), false)" + kFromProjects;

// Whether the viewer ($1) sees the project, given whether they see everything
// (organization owner or admin): `sees_all`, an SQL boolean.
std::string visible(std::string_view sees_all) {
  return "(" + std::string(sees_all) + " OR NOT p.private OR " + my_rank("p.id") + " IS NOT NULL)";
}
// $2 = the viewer sees everything.
const std::string kVisible = visible("$2::boolean");

constexpr int kProjectColumnCount = 28;
ProjectRecord read_project(const Rows& r, int i) {
  ProjectRecord p;
  p.id = r.int64(i, 0);
  p.workspace_id = r.int64(i, 1);
  p.fields.name = r.text(i, 2);
  p.fields.client_id = r.optional_int64(i, 3);
  p.client_name = r.optional_text(i, 4);
  p.fields.color = r.optional_text(i, 5);
  p.fields.description = r.optional_text(i, 6);
  p.fields.start_date = r.optional_text(i, 7);
  p.fields.end_date = r.optional_text(i, 8);
  p.fields.estimated_mins = r.optional_int64(i, 9);
  if (!r.is_null(i, 10)) p.fields.fixed_fee = FixedFee{r.real(i, 10), std::string(r.text(i, 11))};
  p.fields.parent_project_id = r.optional_int64(i, 12);
  p.fields.is_private = r.boolean(i, 13);
  p.fields.billable = r.boolean(i, 14);
  p.fields.auto_compute_estimates = r.boolean(i, 15);
  p.active = r.boolean(i, 16);
  p.archived_at = r.optional_text_view(i, 17);
  p.deleted_at = r.optional_text_view(i, 18);
  p.creator_id = r.int64(i, 19);
  p.created_at = r.text(i, 20);
  p.updated_at = r.text(i, 21);
  p.pinned = r.boolean(i, 22);
  p.viewer_role = sql::role_of_rank(r.int64(i, 23));
  p.task_estimated_mins = r.int64(i, 24);
  p.tracked_seconds = r.int64(i, 25);
  postgres::read_tags_json(r, i, 26, p);
  p.parent_private_to_viewer = r.boolean(i, 27);
  return p;
}

std::vector<ProjectRecord> read_projects(const Rows& rows) {
  std::vector<ProjectRecord> projects;
  projects.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) projects.push_back(read_project(rows, i));
  return projects;
}

Result<ProjectRecord> find(Connection& db, std::int64_t workspace_id, std::int64_t project_id, const Viewer& viewer,
                           bool include_deleted) {
  static const std::string kSql = kProjectColumns + "WHERE p.id = $3 AND p.workspace_id = $4 AND " + kVisible +
                                  " AND ($5::boolean OR p.deleted_at IS NULL)";
  Rows rows = db.exec(kSql, Params(viewer.user_id, viewer.sees_all, project_id, workspace_id, include_deleted));
  if (rows.empty()) return make_error(ErrorCode::NotFound, "project not found");
  return std::move(read_projects(rows).front());
}

// One statement: the caller's access ($1 the user, $2 the workspace, $3 the
// organization or NULL) and, beside it, the project ($4) as that access's
// viewer sees it (an owner or admin sees all: WorkspaceAccess::is_admin).
// The project's columns come first, as read_project() reads them (all NULL
// when it is not there to see), then the access's, then the workspace's
// epoch as of the same snapshot (kWorkspaceEpoch).
const std::string kWorkspaceEpoch = "SELECT COALESCE(sum(n), 0)::bigint FROM cache_epochs WHERE workspace_id = ";
// The epoch alone, of workspace $1.
const std::string kEpochOfWorkspace = kWorkspaceEpoch + "$1";
const std::string kFindWithAccess =
    "SELECT found.*, w.organization_id, ou.role, (" + kWorkspaceEpoch +
    "w.id) FROM workspaces w"
    " JOIN organization_users ou ON ou.organization_id = w.organization_id AND ou.user_id = $1"
    " LEFT JOIN LATERAL (" +
    kProjectColumns + "WHERE p.id = $4 AND p.workspace_id = w.id AND ($5::boolean OR p.deleted_at IS NULL) AND " +
    visible("ou.role <> 'member'") +
    ") found ON true WHERE w.id = $2 AND ($3::bigint IS NULL OR w.organization_id = $3)";

Result<ProjectWithAccess> read_with_access(const Rows& rows, std::int64_t user_id, std::int64_t workspace_id) {
  if (rows.empty()) return make_error(ErrorCode::NotFound, "workspace not found");
  if (rows.is_null(0, 0)) return make_error(ErrorCode::NotFound, "project not found");
  WorkspaceAccess access{rows.int64(0, kProjectColumnCount), workspace_id, user_id,
                         parse_org_role(rows.text(0, kProjectColumnCount + 1)).value_or(OrgRole::Member)};
  return ProjectWithAccess{access, read_project(rows, 0)};
}

std::int64_t epoch_of(const Rows& rows) {
  return rows.int64(0, kProjectColumnCount + 2);
}

std::vector<std::int64_t> column_of_ids(const Rows& rows) {
  std::vector<std::int64_t> ids;
  ids.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) ids.push_back(rows.int64(i, 0));
  return ids;
}

// The ids of a project's live descendants, however deep (UNION, not UNION
// ALL: a cycle in damaged data ends the walk instead of looping).
std::vector<std::int64_t> descendants(Connection& db, std::int64_t project_id) {
  return column_of_ids(db.exec(
      "WITH RECURSIVE tree(id) AS (SELECT id FROM projects WHERE parent_project_id = $1 AND deleted_at IS NULL"
      " UNION SELECT p.id FROM projects p JOIN tree ON p.parent_project_id = tree.id WHERE p.deleted_at IS NULL)"
      " SELECT id FROM tree ORDER BY id",
      Params(project_id)));
}

// The ids of a project's ancestors, parent first, up to the root (or until
// one comes round again: only damaged data has a cycle).
std::vector<std::int64_t> ancestors(Connection& db, std::int64_t project_id) {
  std::vector<std::int64_t> ids;
  for (std::int64_t current = project_id;;) {
    Rows rows = db.exec("SELECT parent_project_id FROM projects WHERE id = $1", Params(current));
    if (rows.empty() || rows.is_null(0, 0)) break;
    current = rows.int64(0, 0);
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
  return static_cast<int>(
      db.exec("WITH RECURSIVE tree(id, depth) AS (SELECT id, 1 FROM projects WHERE parent_project_id = $1"
              " UNION ALL SELECT p.id, tree.depth + 1 FROM projects p JOIN tree ON p.parent_project_id = tree.id"
              " WHERE tree.depth < $2) SELECT COALESCE(MAX(depth), 0) FROM tree",
              Params(project_id, kHeightLimit))
          .int64(0, 0));
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
  const bool new_client = f.client_id && (!current || f.client_id != current->fields.client_id);
  if (new_client && db.exec("SELECT 1 FROM clients WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL",
                            Params(*f.client_id, workspace_id))
                        .empty()) {
    return invalid("client_id", "no such client in this workspace");
  }
  if (auto missing = postgres::missing_tag(db, workspace_id, f.tag_ids)) {
    return invalid("tag_ids", "no such tag in this workspace: " + std::to_string(*missing));
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
                                             {"client_name", "focusd_fold(c.name)"},
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

// The `name` filter as a LIKE pattern over focusd_fold(name), which the
// trigram index serves: the text anywhere in the name, its `%`, `_` and `\`
// taken literally, ASCII letters folded (as SQLite's LIKE does).
std::string like_pattern(const std::string& name) {
  std::string pattern = "%";
  for (char c : name) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return pattern + "%";
}

}  // namespace

Result<ProjectList> PostgresStore::list_projects(const ProjectQuery& q) {
  // No name holds a NUL (names refuse control characters) or more than 255
  // bytes, so such a filter matches nothing (and PostgreSQL refuses a NUL in text).
  constexpr std::size_t kLongestName = 255;
  if (q.name && (q.name->find('\0') != std::string::npos || q.name->size() > kLongestName)) return ProjectList{};
  if (q.matches_nothing) return ProjectList{};
  return snapshot([&](Connection& db) -> Result<ProjectList> {
    // Only the filters asked for are written, each with its own parameter
    // after $1 viewer, $2 sees_all, $3 workspace: a statement per combination,
    // whose plan can use what the filter needs (the name's trigram index).
    Params params(q.viewer.user_id, q.viewer.sees_all, q.workspace_id);
    int count = 3;
    auto param = [&](const auto& value, const char* type) {
      params.add(value);
      return "$" + std::to_string(++count) + "::" + type;
    };
    std::string where = "WHERE p.workspace_id = $3 AND p.deleted_at IS NULL AND " + kVisible;
    if (q.pinned) where += " AND " + kPinnedExpr + " = " + param(*q.pinned, "boolean");
    if (q.archived != ArchivedFilter::All) {
      where += q.archived == ArchivedFilter::Active ? " AND p.active" : " AND NOT p.active";
    }
    if (q.is_private) where += " AND p.private = " + param(*q.is_private, "boolean");
    if (q.name) where += " AND focusd_fold(p.name) LIKE " + param(like_pattern(*q.name), "text");
    if (!q.client_ids.empty()) where += " AND p.client_id = ANY(" + param(id_array(q.client_ids), "bigint[]") + ")";
    if (!q.creator_ids.empty()) {
      where += " AND p.creator_id = ANY(" + param(id_array(q.creator_ids), "bigint[]") + ")";
    }
    if (!q.tag_ids.empty()) {
      where +=
          " AND EXISTS (SELECT 1 FROM project_tags pt JOIN tags tg ON tg.id = pt.tag_id AND tg.deleted_at IS NULL"
          " WHERE pt.project_id = p.id AND pt.tag_id = ANY(" +
          param(id_array(q.tag_ids), "bigint[]") + "))";
    }
    if (!q.project_ids.empty()) where += " AND p.id = ANY(" + param(id_array(q.project_ids), "bigint[]") + ")";
    if (!q.user_ids.empty()) {
      where += " AND EXISTS (SELECT 1 FROM unnest(" + param(id_array(q.user_ids), "bigint[]") +
               ") AS u(id)"
               " JOIN workspaces w ON w.id = p.workspace_id"
               " JOIN organization_users ou ON ou.organization_id = w.organization_id"
               "  AND ou.user_id = u.id WHERE ou.role IN ('owner', 'admin') OR NOT p.private"
               "  OR EXISTS (SELECT 1 FROM project_users x WHERE x.project_id = p.id AND x.user_id = u.id)"
               "  OR EXISTS (SELECT 1 FROM project_groups g JOIN group_users gu ON"
               "   gu.group_id = g.group_id WHERE g.project_id = p.id AND gu.user_id = u.id))";
    }
    if (q.start_date) where += " AND p.end_date >= " + param(*q.start_date, "text");
    if (q.end_date) where += " AND p.start_date <= " + param(*q.end_date, "text");
    const Params count_params = params;
    const std::string page_limits =
        " LIMIT " + param(q.page.per_page, "bigint") + " OFFSET " + param(q.page.offset(), "bigint");
    // The page's ids and the total in one pass over the matches; then the
    // page's whole rows, aggregates and all, by id.
    Rows page = db.exec("SELECT p.id, count(*) OVER ()" + kFromProjects + where +
                            sql::order_clause(q.order, project_order_columns(), kByName, "p.id", true) + page_limits,
                        params);
    ProjectList list;
    if (page.empty()) {  // a page past the end: nothing to show, but the total still counts
      list.total = db.exec("SELECT count(*)" + kFromProjects + where, count_params).int64(0, 0);
      return list;
    }
    list.total = page.int64(0, 1);
    const std::vector<std::int64_t> ids = column_of_ids(page);
    list.items = read_projects(
        db.exec(kProjectColumns + "WHERE p.id = ANY($2::bigint[])", Params(q.viewer.user_id, id_array(ids))));
    std::unordered_map<std::int64_t, std::size_t> rank;
    for (std::size_t i = 0; i < ids.size(); ++i) rank[ids[i]] = i;
    std::sort(list.items.begin(), list.items.end(),
              [&](const ProjectRecord& a, const ProjectRecord& b) { return rank[a.id] < rank[b.id]; });
    return list;
  });
}

Result<ProjectRecord> PostgresStore::find_project(std::int64_t workspace_id, std::int64_t project_id,
                                                  const Viewer& viewer, bool include_deleted) {
  return read([&](Connection& db) { return find(db, workspace_id, project_id, viewer, include_deleted); });
}

const std::string& PostgresStore::find_project_with_access_sql() {
  return kFindWithAccess;
}

namespace {

// What a remembered read is still worth: `epoch` the workspace's now.
std::optional<ProjectWithAccess> still_current(const postgres::ProjectReadCache::Entry& remembered,
                                               std::int64_t epoch) {
  if (remembered.epoch != epoch) {
    metrics::cached_read(metrics::CachedRead::Stale);
    return std::nullopt;
  }
  metrics::cached_read(metrics::CachedRead::Hit);
  return remembered.found;
}

// The read's answer, remembered when it found the project.
Result<ProjectWithAccess> remember(postgres::ProjectReadCache& cache, const postgres::ProjectReadCache::Key& key,
                                   const Rows& rows) {
  auto found = read_with_access(rows, key.user_id, key.workspace_id);
  if (found) cache.remember(key, {epoch_of(rows), *found});
  return found;
}

// What is remembered of a read (counted as a miss when nothing is).
std::shared_ptr<const postgres::ProjectReadCache::Entry> remembered_of(const postgres::ProjectReadCache& cache,
                                                                       const postgres::ProjectReadCache::Key& key) {
  auto remembered = cache.find(key);
  if (!remembered && cache.enabled()) metrics::cached_read(metrics::CachedRead::Miss);
  return remembered;
}

}  // namespace

Result<ProjectWithAccess> PostgresStore::find_project_with_access(std::int64_t user_id, std::int64_t workspace_id,
                                                                  std::optional<std::int64_t> organization_id,
                                                                  std::int64_t project_id, bool include_deleted) {
  const postgres::ProjectReadCache::Key key{user_id, workspace_id, organization_id, project_id, include_deleted};
  auto remembered = remembered_of(project_cache_, key);
  return read([&](Connection& db) -> Result<ProjectWithAccess> {
    if (remembered) {
      const std::int64_t epoch = db.exec(kEpochOfWorkspace, Params(workspace_id)).int64(0, 0);
      if (auto current = still_current(*remembered, epoch)) return std::move(*current);
    }
    return remember(
        project_cache_, key,
        db.exec(kFindWithAccess, Params(user_id, workspace_id, organization_id, project_id, include_deleted)));
  });
}

boost::asio::awaitable<Result<ProjectWithAccess>> PostgresStore::PipelinedReads::find_project_with_access(
    std::int64_t user_id, std::int64_t workspace_id, std::optional<std::int64_t> organization_id,
    std::int64_t project_id, bool include_deleted) {
  const postgres::ProjectReadCache::Key key{user_id, workspace_id, organization_id, project_id, include_deleted};
  auto remembered = remembered_of(project_cache_, key);
  try {
    if (remembered) {
      const Rows epoch = co_await pipelines_.exec(kEpochOfWorkspace, Params(workspace_id));
      if (auto current = still_current(*remembered, epoch.int64(0, 0))) co_return std::move(*current);
    }
    const Params params(user_id, workspace_id, organization_id, project_id, include_deleted);
    const Rows rows = co_await pipelines_.exec(kFindWithAccess, params);
    co_return remember(project_cache_, key, rows);
  } catch (const postgres::PgError& e) {
    co_return postgres_error(e);
  }
}

namespace {

// A new project's row: the columns, and the parameters $1 to $16 of their
// values (each time once, but $16, created and updated at once).
constexpr std::string_view kNewProjectColumns =
    "workspace_id, name, client_id, color, description, start_date, end_date, estimated_mins, fixed_fee_amount,"
    " fixed_fee_currency, parent_project_id, private, billable, auto_compute_estimates, creator_id, created_at,"
    " updated_at";
Params new_project_params(std::int64_t workspace_id, const ProjectFields& f, std::int64_t creator_id,
                          const std::string& now) {
  return Params(workspace_id, f.name, f.client_id, f.color, f.description, f.start_date, f.end_date, f.estimated_mins,
                fee_amount(f), fee_currency(f), f.parent_project_id, f.is_private, f.billable, f.auto_compute_estimates,
                creator_id, now);
}

// The new row as find() would read it back, without reading it: it holds
// what was given, has no tasks or time entries yet, and its creator manages it.
ProjectRecord new_project(std::int64_t id, std::int64_t workspace_id, const ProjectFields& f, std::int64_t creator_id,
                          const std::string& now) {
  ProjectRecord p;
  p.id = id;
  p.workspace_id = workspace_id;
  p.fields = f;
  p.creator_id = creator_id;
  p.created_at = p.updated_at = now;
  p.viewer_role = ProjectRole::Manager;
  return p;
}

// AsyncWrites::create_project's one statement: the access of the user ($15)
// to the workspace ($1) of the organization $17 (or NULL), and, only where it
// has one, the new row (as new_project_params) with its creator as manager.
// A name already taken inserts nothing instead of failing (which would fail
// the other statements of its batch too). One row (the organization, the
// role, the new id or NULL) where the user has access; none where not.
const std::string kCreateWithAccess =
    std::string(
        "WITH access AS (SELECT w.organization_id, ou.role FROM workspaces w"
        " JOIN organization_users ou ON ou.organization_id = w.organization_id AND ou.user_id = $15::bigint"
        " WHERE w.id = $1::bigint AND ($17::bigint IS NULL OR w.organization_id = $17)),"
        " created AS (INSERT INTO projects (") +
    std::string(kNewProjectColumns) +
    ") SELECT $1, $2::text, $3::bigint, $4::text, $5::text, $6::text, $7::text, $8::bigint, $9::float8, $10::text,"
    " $11::bigint, $12::boolean, $13::boolean, $14::boolean, $15, $16::text, $16 FROM access"
    " ON CONFLICT DO NOTHING RETURNING id),"
    " manager AS (INSERT INTO project_users (project_id, user_id, role, created_at)"
    " SELECT id, $15, 'manager', $16 FROM created)"
    " SELECT a.organization_id, a.role, c.id FROM access a LEFT JOIN created c ON true";

}  // namespace

Result<ProjectRecord> PostgresStore::create_project(std::int64_t workspace_id, const Viewer& creator,
                                                    const ProjectFields& f, bool pinned, const TreeRule& tree_rule) {
  return write([&](Connection& db) -> Result<ProjectRecord> {
    if (f.parent_project_id) postgres::lock_workspace(db, workspace_id);
    bool parent_private = false;
    if (auto status = check_references(db, workspace_id, creator, f, nullptr, tree_rule, &parent_private); !status) {
      return status.error();
    }
    const std::string now = now_rfc3339();
    // The row, its creator's role and its client's name in one statement, with
    // the COMMIT when nothing else is to be written: one round trip in all.
    const std::string insert = "WITH created AS (INSERT INTO projects (" + std::string(kNewProjectColumns) +
                               ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)"
                               " RETURNING id),"
                               " manager AS (INSERT INTO project_users (project_id, user_id, role, created_at)"
                               " SELECT id, $15, 'manager', $16 FROM created)"
                               " SELECT id, (SELECT name FROM clients WHERE id = $3) FROM created";
    const Params params = new_project_params(workspace_id, f, creator.user_id, now);
    const bool last = f.tag_ids.empty() && !pinned;
    const Rows inserted = last ? db.exec_and_commit(insert, params) : db.exec(insert, params);
    std::vector<ProjectRecord> created{new_project(inserted.int64(0, 0), workspace_id, f, creator.user_id, now)};
    ProjectRecord& p = created.front();
    p.client_name = inserted.optional_text(0, 1);
    p.pinned = pinned;
    p.parent_private_to_viewer = parent_private;
    if (!f.tag_ids.empty()) postgres::write_tags(db, sql::kProjectLinks, p.id, f.tag_ids);  // a new row has none
    if (pinned) postgres::write_pin(db, sql::kProjectLinks, p.id, creator.user_id, true);
    if (!f.tag_ids.empty()) postgres::attach_tags(db, sql::kProjectLinks, created);
    return std::move(p);
  });
}

boost::asio::awaitable<Result<ProjectWithAccess>> PostgresStore::PipelinedWrites::create_project(
    std::int64_t user_id, std::int64_t workspace_id, std::optional<std::int64_t> organization_id,
    const ProjectFields& f) {
  if (!creates(f)) {
    co_return make_error(ErrorCode::InvalidArgument, "a project with a parent, a client or tags: not in one statement");
  }
  const std::string now = now_rfc3339();
  Params params = new_project_params(workspace_id, f, user_id, now);
  params.add(organization_id);
  try {
    const Rows rows = co_await pipelines_.exec(kCreateWithAccess, params);
    if (rows.empty()) co_return make_error(ErrorCode::NotFound, "workspace not found");
    if (rows.is_null(0, 2)) co_return unique_conflict("projects_live_name", "the name is taken (ON CONFLICT)");
    const WorkspaceAccess access{rows.int64(0, 0), workspace_id, user_id,
                                 parse_org_role(rows.text(0, 1)).value_or(OrgRole::Member)};
    co_return ProjectWithAccess{access, new_project(rows.int64(0, 2), workspace_id, f, user_id, now)};
  } catch (const postgres::PgError& e) {
    co_return postgres_error(e);
  }
}

Result<ProjectRecord> PostgresStore::update_project(std::int64_t workspace_id, std::int64_t project_id,
                                                    const Viewer& viewer, const ProjectFields& f,
                                                    std::optional<bool> pinned, const TreeRule& tree_rule) {
  return write([&](Connection& db) -> Result<ProjectRecord> {
    if (f.parent_project_id) postgres::lock_workspace(db, workspace_id);
    db.exec("SELECT 1 FROM projects WHERE id = $1 FOR NO KEY UPDATE", Params(project_id));
    auto found = find(db, workspace_id, project_id, viewer, false);
    if (!found) return found.error();
    if (auto status = check_references(db, workspace_id, viewer, f, &*found, tree_rule); !status) {
      return status.error();
    }
    db.exec(
        "UPDATE projects SET name = $2, client_id = $3, color = $4, description = $5, start_date = $6,"
        " end_date = $7, estimated_mins = $8, fixed_fee_amount = $9, fixed_fee_currency = $10,"
        " parent_project_id = $11, private = $12, billable = $13, auto_compute_estimates = $14, updated_at = $15"
        " WHERE id = $1",
        Params(project_id, f.name, f.client_id, f.color, f.description, f.start_date, f.end_date, f.estimated_mins,
               fee_amount(f), fee_currency(f), f.parent_project_id, f.is_private, f.billable, f.auto_compute_estimates,
               now_rfc3339()));
    postgres::write_tags(db, sql::kProjectLinks, project_id, f.tag_ids);
    if (pinned) postgres::write_pin(db, sql::kProjectLinks, project_id, viewer.user_id, *pinned);
    return find(db, workspace_id, project_id, viewer, false);
  });
}

Status PostgresStore::set_project_archived(std::int64_t workspace_id, std::int64_t project_id, bool archived) {
  return write([&](Connection& db) -> Status {
    postgres::lock_workspace(db, workspace_id);
    Rows found = db.exec("SELECT active FROM projects WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL",
                         Params(project_id, workspace_id));
    if (found.empty()) return make_error(ErrorCode::NotFound, "project not found");
    const bool active = found.boolean(0, 0);
    const std::string now = now_rfc3339();
    if (archived && active) {
      auto ids = descendants(db, project_id);
      ids.insert(ids.begin(), project_id);
      db.exec(
          "UPDATE projects SET active = false, archived_at = $2, archive_root_id = $3, updated_at = $2"
          " WHERE id = ANY($1::bigint[]) AND active",
          Params(id_array(ids), now, project_id));
    } else if (!archived) {
      db.exec(
          "UPDATE projects SET active = true, archived_at = NULL, archive_root_id = NULL, updated_at = $2"
          " WHERE (id = $1 OR archive_root_id = $1) AND NOT active AND deleted_at IS NULL",
          Params(project_id, now));
    }
    return Ok{};
  });
}

Status PostgresStore::set_project_deleted(std::int64_t workspace_id, std::int64_t project_id, bool deleted,
                                          const TreeRule& tree_rule) {
  return write([&](Connection& db) -> Status {
    postgres::lock_workspace(db, workspace_id);
    Rows found = db.exec(
        "SELECT p.deleted_at IS NOT NULL, parent.deleted_at IS NOT NULL FROM projects p"
        " LEFT JOIN projects parent ON parent.id = p.parent_project_id WHERE p.id = $1 AND p.workspace_id = $2",
        Params(project_id, workspace_id));
    if (found.empty()) return make_error(ErrorCode::NotFound, "project not found");
    const bool is_deleted = found.boolean(0, 0);
    const bool parent_deleted = found.boolean(0, 1);
    const std::string now = now_rfc3339();
    if (deleted) {
      if (is_deleted) return make_error(ErrorCode::NotFound, "project not found");
      auto ids = descendants(db, project_id);
      ids.insert(ids.begin(), project_id);
      db.exec(
          "UPDATE projects SET deleted_at = $2, delete_root_id = $3, updated_at = $2"
          " WHERE id = ANY($1::bigint[]) AND deleted_at IS NULL",
          Params(id_array(ids), now, project_id));
    } else if (is_deleted) {
      if (parent_deleted) return make_error(ErrorCode::Conflict, "restore the parent project first");
      if (auto placed = tree_rule(TreePlacement{project_id, ancestors(db, project_id), height(db, project_id)});
          !placed) {
        return placed;
      }
      db.exec(
          "UPDATE projects SET deleted_at = NULL, delete_root_id = NULL, updated_at = $2"
          " WHERE (id = $1 OR delete_root_id = $1) AND deleted_at IS NOT NULL",
          Params(project_id, now));
    }
    return Ok{};
  });
}

Status PostgresStore::set_project_pinned(std::int64_t project_id, std::int64_t user_id, bool pinned) {
  return write([&](Connection& db) -> Status {
    postgres::write_pin(db, sql::kProjectLinks, project_id, user_id, pinned);
    return Ok{};
  });
}

Result<std::vector<ProjectRecord>> PostgresStore::related_projects(std::int64_t workspace_id, std::int64_t project_id,
                                                                   const Viewer& viewer, Relation relation,
                                                                   const Ordering& order, const Page& page) {
  return snapshot([&](Connection& db) -> Result<std::vector<ProjectRecord>> {
    if (auto found = find(db, workspace_id, project_id, viewer, false); !found) return found.error();
    const auto ids = relation == Relation::Children ? descendants(db, project_id) : ancestors(db, project_id);
    return read_projects(
        db.exec(kProjectColumns + "WHERE p.id = ANY($3::bigint[]) AND p.deleted_at IS NULL AND " + kVisible +
                    sql::order_clause(order, project_order_columns(), kByName, "p.id", true) + " LIMIT $4 OFFSET $5",
                Params(viewer.user_id, viewer.sees_all, id_array(ids), page.per_page, page.offset())));
  });
}

}  // namespace focusd
