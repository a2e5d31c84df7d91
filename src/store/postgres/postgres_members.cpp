// Groups of an organization and the members (users and groups) of projects on
// PostgreSQL (the rules of sqlite/sqlite_members.cpp). Every write that can
// take a manager away locks the projects it touches, in id order, before it
// reads their members: two such writes on one project run one after another,
// so the last-manager rule sees what the other left.
#include <functional>

#include "common/time.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/sql_common.h"

namespace focusd {

using postgres::Connection;
using postgres::id_array;
using postgres::Params;
using postgres::Rows;

namespace {

const char* role_name(bool manager) {
  return manager ? "manager" : "member";
}

bool is_org_member(Connection& db, std::int64_t organization_id, std::int64_t user_id) {
  return !db.exec("SELECT 1 FROM organization_users WHERE organization_id = $1 AND user_id = $2",
                  Params(organization_id, user_id))
              .empty();
}

// `lock`: the group's row locked until the transaction ends.
bool is_org_group(Connection& db, std::int64_t organization_id, std::int64_t group_id, bool lock = false) {
  return !db.exec(std::string("SELECT 1 FROM groups WHERE organization_id = $1 AND id = $2") +
                      (lock ? " FOR NO KEY UPDATE" : ""),
                  Params(organization_id, group_id))
              .empty();
}

std::int64_t organization_of_workspace(Connection& db, std::int64_t workspace_id) {
  Rows rows = db.exec("SELECT organization_id FROM workspaces WHERE id = $1", Params(workspace_id));
  return rows.empty() ? 0 : rows.int64(0, 0);
}

Result<GroupRecord> load_group(Connection& db, std::int64_t organization_id, std::int64_t group_id) {
  Rows rows = db.exec(
      "SELECT id, organization_id, name, COALESCE(emoji, ''), created_at, updated_at FROM groups"
      " WHERE id = $1 AND organization_id = $2",
      Params(group_id, organization_id));
  if (rows.empty()) return make_error(ErrorCode::NotFound, "group not found");
  GroupRecord g{rows.int64(0, 0),
                rows.int64(0, 1),
                std::string(rows.text(0, 2)),
                std::string(rows.text(0, 3)),
                std::string(rows.text(0, 4)),
                std::string(rows.text(0, 5)),
                {},
                {}};
  Rows users = db.exec(
      "SELECT u.id, ou.id, CASE WHEN u.fullname = '' THEN u.email ELSE u.fullname END FROM group_users gu"
      " JOIN users u ON u.id = gu.user_id"
      " JOIN organization_users ou ON ou.user_id = u.id AND ou.organization_id = $2"
      " WHERE gu.group_id = $1 ORDER BY u.id",
      Params(group_id, organization_id));
  for (int i = 0; i < users.size(); ++i) {
    g.users.push_back({users.int64(i, 0), users.int64(i, 1), std::string(users.text(i, 2))});
  }
  Rows workspaces = db.exec(
      "SELECT w.id, w.name FROM group_workspaces gw JOIN workspaces w ON w.id = gw.workspace_id"
      " WHERE gw.group_id = $1 ORDER BY w.id",
      Params(group_id));
  for (int i = 0; i < workspaces.size(); ++i) {
    g.workspaces.push_back({workspaces.int64(i, 0), std::string(workspaces.text(i, 1))});
  }
  return g;
}

// The organization's groups (those `member` is in, when given), oldest first.
Result<std::vector<GroupRecord>> load_groups(Connection& db, std::int64_t organization_id,
                                             std::optional<std::int64_t> member) {
  Rows ids = db.exec(
      "SELECT g.id FROM groups g WHERE g.organization_id = $1 AND ($2::bigint IS NULL OR EXISTS"
      " (SELECT 1 FROM group_users gu WHERE gu.group_id = g.id AND gu.user_id = $2)) ORDER BY g.id",
      Params(organization_id, member));
  std::vector<GroupRecord> groups;
  for (int i = 0; i < ids.size(); ++i) {
    auto group = load_group(db, organization_id, ids.int64(i, 0));
    if (!group) return group.error();
    groups.push_back(std::move(group.value()));
  }
  return groups;
}

// Replaces the group's users and workspaces after checking they are the organization's.
Status write_group_members(Connection& db, std::int64_t organization_id, std::int64_t group_id,
                           const GroupInput& input) {
  for (auto user_id : input.user_ids) {
    if (!is_org_member(db, organization_id, user_id)) {
      return invalid("organization_users", "user " + std::to_string(user_id) + " is not in this organization");
    }
  }
  for (auto workspace_id : input.workspace_ids) {
    if (organization_of_workspace(db, workspace_id) != organization_id) {
      return invalid("workspaces", "workspace " + std::to_string(workspace_id) + " is not in this organization");
    }
  }
  db.exec("DELETE FROM group_users WHERE group_id = $1", Params(group_id));
  db.exec("DELETE FROM group_workspaces WHERE group_id = $1", Params(group_id));
  db.exec("INSERT INTO group_users (group_id, user_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
          Params(group_id, id_array(input.user_ids)));
  db.exec(
      "INSERT INTO group_workspaces (group_id, workspace_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
      Params(group_id, id_array(input.workspace_ids)));
  return Ok{};
}

// The project's users and groups, each group with its number of users.
ProjectMembers load_members(Connection& db, std::int64_t project_id) {
  ProjectMembers members;
  Rows users = db.exec("SELECT user_id, role = 'manager' FROM project_users WHERE project_id = $1 ORDER BY user_id",
                       Params(project_id));
  for (int i = 0; i < users.size(); ++i) members.users.push_back({users.int64(i, 0), users.boolean(i, 1), 1});
  Rows groups = db.exec(
      "SELECT pg.group_id, pg.role = 'manager', (SELECT COUNT(*) FROM group_users gu WHERE gu.group_id = pg.group_id)"
      " FROM project_groups pg WHERE pg.project_id = $1 ORDER BY pg.group_id",
      Params(project_id));
  for (int i = 0; i < groups.size(); ++i) {
    members.groups.push_back({groups.int64(i, 0), groups.boolean(i, 1), groups.int64(i, 2)});
  }
  return members;
}

// The projects on which the group has a role.
std::vector<std::int64_t> projects_of_group(Connection& db, std::int64_t group_id) {
  Rows rows =
      db.exec("SELECT project_id FROM project_groups WHERE group_id = $1 ORDER BY project_id", Params(group_id));
  std::vector<std::int64_t> ids;
  ids.reserve(static_cast<std::size_t>(rows.size()));
  for (int i = 0; i < rows.size(); ++i) ids.push_back(rows.int64(i, 0));
  return ids;
}

// Locks the projects (in id order), runs `change`, and asks the last-manager
// rule about each of them, with its members before and after. Every write
// that can take a manager away goes through here; the transaction undoes the
// change on an error.
Status keeping_managers(Connection& db, const std::vector<std::int64_t>& projects, const Store::ManagerRule& rule,
                        const std::function<Status()>& change) {
  db.exec("SELECT 1 FROM projects WHERE id = ANY($1::bigint[]) ORDER BY id FOR NO KEY UPDATE",
          Params(id_array(projects)));
  std::vector<ProjectMembers> before;
  before.reserve(projects.size());
  for (auto project_id : projects) before.push_back(load_members(db, project_id));
  if (auto changed = change(); !changed) return changed;
  for (std::size_t i = 0; i < projects.size(); ++i) {
    if (auto kept = rule(projects[i], before[i], load_members(db, projects[i])); !kept) return kept;
  }
  return Ok{};
}

// The member's role table and key column, and its id.
struct MemberRow {
  const char* table;
  const char* column;
  std::int64_t id;
};
MemberRow member_row(const MemberRef& member) {
  return member.user_id ? MemberRow{"project_users", "user_id", *member.user_id}
                        : MemberRow{"project_groups", "group_id", *member.group_id};
}

bool is_project_member(Connection& db, std::int64_t project_id, const MemberRef& member) {
  const MemberRow m = member_row(member);
  return !db.exec(std::string("SELECT 1 FROM ") + m.table + " WHERE project_id = $1 AND " + m.column + " = $2",
                  Params(project_id, m.id))
              .empty();
}

Error not_a_member(const MemberRef& member) {
  return member.user_id ? invalid("user_id", "is not a member of this project")
                        : invalid("group_id", "is not a member of this project");
}

}  // namespace

Result<GroupRecord> PostgresStore::create_group(std::int64_t organization_id, const GroupInput& input) {
  return write([&](Connection& db) -> Result<GroupRecord> {
    const std::int64_t id =
        db.exec(
              "INSERT INTO groups (organization_id, name, emoji, created_at, updated_at) VALUES ($1, $2, $3, $4, $4)"
              " RETURNING id",
              Params(organization_id, input.name, input.emoji, now_rfc3339()))
            .int64(0, 0);
    if (auto status = write_group_members(db, organization_id, id, input); !status) return status.error();
    return load_group(db, organization_id, id);
  });
}

Result<GroupRecord> PostgresStore::update_group(std::int64_t organization_id, std::int64_t group_id,
                                                const GroupInput& input, const ManagerRule& manager_rule) {
  return write([&](Connection& db) -> Result<GroupRecord> {
    if (!is_org_group(db, organization_id, group_id, true)) return make_error(ErrorCode::NotFound, "group not found");
    db.exec("UPDATE groups SET name = $2, emoji = $3, updated_at = $4 WHERE id = $1",
            Params(group_id, input.name, input.emoji, now_rfc3339()));
    auto status = keeping_managers(db, projects_of_group(db, group_id), manager_rule,
                                   [&] { return write_group_members(db, organization_id, group_id, input); });
    if (!status) return status.error();
    return load_group(db, organization_id, group_id);
  });
}

Status PostgresStore::delete_group(std::int64_t organization_id, std::int64_t group_id,
                                   const ManagerRule& manager_rule) {
  return write([&](Connection& db) -> Status {
    if (!is_org_group(db, organization_id, group_id, true)) return make_error(ErrorCode::NotFound, "group not found");
    return keeping_managers(db, projects_of_group(db, group_id), manager_rule, [&]() -> Status {
      for (const char* sql :
           {"DELETE FROM project_groups WHERE group_id = $1", "DELETE FROM group_users WHERE group_id = $1",
            "DELETE FROM group_workspaces WHERE group_id = $1", "DELETE FROM groups WHERE id = $1"}) {
        db.exec(sql, Params(group_id));
      }
      return Ok{};
    });
  });
}

Result<std::vector<GroupRecord>> PostgresStore::groups_of_user(std::int64_t organization_id, std::int64_t user_id) {
  return snapshot([&](Connection& db) { return load_groups(db, organization_id, user_id); });
}

Result<std::vector<GroupRecord>> PostgresStore::organization_groups(std::int64_t organization_id) {
  return snapshot([&](Connection& db) { return load_groups(db, organization_id, std::nullopt); });
}

Status PostgresStore::add_user_to_group(std::int64_t group_id, std::string_view email) {
  return write([&](Connection& db) -> Status {
    Rows found = db.exec(
        "SELECT g.organization_id, u.id FROM groups g, users u WHERE g.id = $1"
        " AND focusd_fold(u.email) = focusd_fold($2)",
        Params(group_id, email));
    if (found.empty())
      return make_error(ErrorCode::NotFound, "no group " + std::to_string(group_id) + " or no such user");
    const std::int64_t organization_id = found.int64(0, 0);
    const std::int64_t user_id = found.int64(0, 1);
    if (!is_org_member(db, organization_id, user_id)) {
      return invalid("email", "the user is not in the group's organization");
    }
    db.exec("INSERT INTO group_users (group_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            Params(group_id, user_id));
    return Ok{};
  });
}

Result<ProjectMembers> PostgresStore::project_members(std::int64_t project_id) {
  return snapshot([&](Connection& db) -> Result<ProjectMembers> { return load_members(db, project_id); });
}

Status PostgresStore::add_project_members(std::int64_t workspace_id, std::int64_t project_id,
                                          const std::vector<std::int64_t>& user_ids,
                                          const std::vector<std::int64_t>& group_ids, bool manager,
                                          const ManagerRule& manager_rule) {
  return write([&](Connection& db) -> Status {
    const std::int64_t organization_id = organization_of_workspace(db, workspace_id);
    for (auto user_id : user_ids) {
      if (!is_org_member(db, organization_id, user_id)) {
        return invalid("user_ids", "user " + std::to_string(user_id) + " is not in this organization");
      }
    }
    for (auto group_id : group_ids) {
      if (!is_org_group(db, organization_id, group_id)) {
        return invalid("group_ids", "group " + std::to_string(group_id) + " is not in this organization");
      }
    }
    const std::string now = now_rfc3339();
    return keeping_managers(db, {project_id}, manager_rule, [&]() -> Status {
      db.exec(
          "INSERT INTO project_users (project_id, user_id, role, created_at) SELECT $1, unnest($2::bigint[]), $3, $4"
          " ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
          Params(project_id, id_array(user_ids), role_name(manager), now));
      db.exec(
          "INSERT INTO project_groups (project_id, group_id, role, created_at) SELECT $1, unnest($2::bigint[]), $3, $4"
          " ON CONFLICT (project_id, group_id) DO UPDATE SET role = excluded.role",
          Params(project_id, id_array(group_ids), role_name(manager), now));
      return Ok{};
    });
  });
}

Status PostgresStore::set_project_member_role(std::int64_t project_id, const MemberRef& member, bool manager,
                                              const ManagerRule& manager_rule) {
  return write([&](Connection& db) -> Status {
    const MemberRow m = member_row(member);
    return keeping_managers(db, {project_id}, manager_rule, [&]() -> Status {
      if (!is_project_member(db, project_id, member)) return not_a_member(member);
      db.exec(std::string("UPDATE ") + m.table + " SET role = $3 WHERE project_id = $1 AND " + m.column + " = $2",
              Params(project_id, m.id, role_name(manager)));
      return Ok{};
    });
  });
}

Status PostgresStore::remove_project_member(std::int64_t project_id, const MemberRef& member,
                                            const ManagerRule& manager_rule) {
  return write([&](Connection& db) -> Status {
    const MemberRow m = member_row(member);
    return keeping_managers(db, {project_id}, manager_rule, [&]() -> Status {
      if (!is_project_member(db, project_id, member)) return not_a_member(member);
      db.exec(std::string("DELETE FROM ") + m.table + " WHERE project_id = $1 AND " + m.column + " = $2",
              Params(project_id, m.id));
      return Ok{};
    });
  });
}

}  // namespace focusd
