// Groups of an organization and the members (users and groups) of projects.
#include <functional>

#include "common/time.h"
#include "store/sqlite/sqlite_store.h"

namespace focusd {

using sqlite::Connection;
using sqlite::Transaction;

namespace {

const char* role_name(bool manager) {
  return manager ? "manager" : "member";
}

bool is_org_member(Connection& db, std::int64_t organization_id, std::int64_t user_id) {
  auto stmt = db.prepare("SELECT 1 FROM organization_users WHERE organization_id = ?1 AND user_id = ?2");
  stmt.bind_all(organization_id, user_id);
  return stmt.step();
}

bool is_org_group(Connection& db, std::int64_t organization_id, std::int64_t group_id) {
  auto stmt = db.prepare("SELECT 1 FROM groups WHERE organization_id = ?1 AND id = ?2");
  stmt.bind_all(organization_id, group_id);
  return stmt.step();
}

std::int64_t organization_of_workspace(Connection& db, std::int64_t workspace_id) {
  auto stmt = db.prepare("SELECT organization_id FROM workspaces WHERE id = ?1");
  stmt.bind_all(workspace_id);
  return stmt.step() ? stmt.int64(0) : 0;
}

Result<GroupRecord> load_group(Connection& db, std::int64_t organization_id, std::int64_t group_id) {
  auto stmt = db.prepare(
      "SELECT id, organization_id, name, COALESCE(emoji, ''), created_at, updated_at FROM groups"
      " WHERE id = ?1 AND organization_id = ?2");
  stmt.bind_all(group_id, organization_id);
  if (!stmt.step()) return make_error(ErrorCode::NotFound, "group not found");
  GroupRecord g{stmt.int64(0), stmt.int64(1), stmt.text(2), stmt.text(3), stmt.text(4), stmt.text(5), {}, {}};
  auto users = db.prepare(
      "SELECT u.id, ou.id, CASE WHEN u.fullname = '' THEN u.email ELSE u.fullname END FROM group_users gu"
      " JOIN users u ON u.id = gu.user_id"
      " JOIN organization_users ou ON ou.user_id = u.id AND ou.organization_id = ?2"
      " WHERE gu.group_id = ?1 ORDER BY u.id");
  users.bind_all(group_id, organization_id);
  while (users.step()) g.users.push_back({users.int64(0), users.int64(1), users.text(2)});
  auto workspaces = db.prepare(
      "SELECT w.id, w.name FROM group_workspaces gw JOIN workspaces w ON w.id = gw.workspace_id"
      " WHERE gw.group_id = ?1 ORDER BY w.id");
  workspaces.bind_all(group_id);
  while (workspaces.step()) g.workspaces.push_back({workspaces.int64(0), workspaces.text(1)});
  return g;
}

// The organization's groups (those `member` is in, when given), oldest first.
Result<std::vector<GroupRecord>> load_groups(Connection& db, std::int64_t organization_id,
                                             std::optional<std::int64_t> member) {
  auto stmt = db.prepare(
      "SELECT g.id FROM groups g WHERE g.organization_id = ?1 AND (?2 IS NULL OR EXISTS"
      " (SELECT 1 FROM group_users gu WHERE gu.group_id = g.id AND gu.user_id = ?2)) ORDER BY g.id");
  stmt.bind_all(organization_id, member);
  std::vector<std::int64_t> ids;
  while (stmt.step()) ids.push_back(stmt.int64(0));
  std::vector<GroupRecord> groups;
  for (auto id : ids) {
    auto group = load_group(db, organization_id, id);
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
  db.prepare("DELETE FROM group_users WHERE group_id = ?1").bind_all(group_id).run();
  db.prepare("DELETE FROM group_workspaces WHERE group_id = ?1").bind_all(group_id).run();
  for (auto user_id : input.user_ids) {
    db.prepare("INSERT OR IGNORE INTO group_users (group_id, user_id) VALUES (?1, ?2)")
        .bind_all(group_id, user_id)
        .run();
  }
  for (auto workspace_id : input.workspace_ids) {
    db.prepare("INSERT OR IGNORE INTO group_workspaces (group_id, workspace_id) VALUES (?1, ?2)")
        .bind_all(group_id, workspace_id)
        .run();
  }
  return Ok{};
}

// The project's users and groups, each group with its number of users.
ProjectMembers load_members(Connection& db, std::int64_t project_id) {
  ProjectMembers members;
  auto users = db.prepare("SELECT user_id, role = 'manager' FROM project_users WHERE project_id = ?1 ORDER BY user_id");
  users.bind_all(project_id);
  while (users.step()) members.users.push_back({users.int64(0), users.int64(1) != 0, 1});
  auto groups = db.prepare(
      "SELECT pg.group_id, pg.role = 'manager', (SELECT COUNT(*) FROM group_users gu WHERE gu.group_id = pg.group_id)"
      " FROM project_groups pg WHERE pg.project_id = ?1 ORDER BY pg.group_id");
  groups.bind_all(project_id);
  while (groups.step()) members.groups.push_back({groups.int64(0), groups.int64(1) != 0, groups.int64(2)});
  return members;
}

// The projects on which the group has a role.
std::vector<std::int64_t> projects_of_group(Connection& db, std::int64_t group_id) {
  auto stmt = db.prepare("SELECT project_id FROM project_groups WHERE group_id = ?1 ORDER BY project_id");
  stmt.bind_all(group_id);
  std::vector<std::int64_t> ids;
  while (stmt.step()) ids.push_back(stmt.int64(0));
  return ids;
}

// Runs `change` and asks the last-manager rule about each of `projects`, with
// its members before and after. Every write that can take a manager away goes
// through here; the caller's transaction undoes the change on an error.
Status keeping_managers(Connection& db, const std::vector<std::int64_t>& projects, const Store::ManagerRule& rule,
                        const std::function<Status()>& change) {
  std::vector<ProjectMembers> before;
  before.reserve(projects.size());
  for (auto project_id : projects) before.push_back(load_members(db, project_id));
  if (auto changed = change(); !changed) return changed;
  for (std::size_t i = 0; i < projects.size(); ++i) {
    if (auto kept = rule(projects[i], before[i], load_members(db, projects[i])); !kept) return kept;
  }
  return Ok{};
}

// The member's current role ("manager"/"member"), or nullopt when not a member.
std::optional<std::string> member_role(Connection& db, std::int64_t project_id, const MemberRef& member) {
  auto stmt = member.user_id ? db.prepare("SELECT role FROM project_users WHERE project_id = ?1 AND user_id = ?2")
                             : db.prepare("SELECT role FROM project_groups WHERE project_id = ?1 AND group_id = ?2");
  stmt.bind_all(project_id, member.user_id ? *member.user_id : *member.group_id);
  if (!stmt.step()) return std::nullopt;
  return stmt.text(0);
}

Error not_a_member(const MemberRef& member) {
  return member.user_id ? invalid("user_id", "is not a member of this project")
                        : invalid("group_id", "is not a member of this project");
}

}  // namespace

Result<OrgRole> SqliteStore::organization_role(std::int64_t user_id, std::int64_t organization_id) {
  return read([&](Connection& db) -> Result<OrgRole> {
    auto stmt = db.prepare("SELECT role FROM organization_users WHERE organization_id = ?1 AND user_id = ?2");
    stmt.bind_all(organization_id, user_id);
    if (!stmt.step()) return make_error(ErrorCode::NotFound, "organization not found");
    return parse_org_role(stmt.text(0)).value_or(OrgRole::Member);
  });
}

Result<GroupRecord> SqliteStore::create_group(std::int64_t organization_id, const GroupInput& input) {
  return write([&](Connection& db) -> Result<GroupRecord> {
    Transaction tx(db);
    const std::string now = now_rfc3339();
    db.prepare("INSERT INTO groups (organization_id, name, emoji, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?4)")
        .bind_all(organization_id, input.name, input.emoji, now)
        .run();
    const std::int64_t id = db.last_insert_id();
    if (auto status = write_group_members(db, organization_id, id, input); !status) return status.error();
    auto group = load_group(db, organization_id, id);
    tx.commit();
    return group;
  });
}

Result<GroupRecord> SqliteStore::update_group(std::int64_t organization_id, std::int64_t group_id,
                                              const GroupInput& input, const ManagerRule& manager_rule) {
  return write([&](Connection& db) -> Result<GroupRecord> {
    Transaction tx(db);
    if (!is_org_group(db, organization_id, group_id)) return make_error(ErrorCode::NotFound, "group not found");
    db.prepare("UPDATE groups SET name = ?2, emoji = ?3, updated_at = ?4 WHERE id = ?1")
        .bind_all(group_id, input.name, input.emoji, now_rfc3339())
        .run();
    auto status = keeping_managers(db, projects_of_group(db, group_id), manager_rule,
                                   [&] { return write_group_members(db, organization_id, group_id, input); });
    if (!status) return status.error();
    auto group = load_group(db, organization_id, group_id);
    tx.commit();
    return group;
  });
}

Status SqliteStore::delete_group(std::int64_t organization_id, std::int64_t group_id, const ManagerRule& manager_rule) {
  return write([&](Connection& db) -> Status {
    Transaction tx(db);
    if (!is_org_group(db, organization_id, group_id)) return make_error(ErrorCode::NotFound, "group not found");
    auto status = keeping_managers(db, projects_of_group(db, group_id), manager_rule, [&]() -> Status {
      for (const char* sql :
           {"DELETE FROM project_groups WHERE group_id = ?1", "DELETE FROM group_users WHERE group_id = ?1",
            "DELETE FROM group_workspaces WHERE group_id = ?1", "DELETE FROM groups WHERE id = ?1"}) {
        db.prepare(sql).bind_all(group_id).run();
      }
      return Ok{};
    });
    if (!status) return status;
    tx.commit();
    return Ok{};
  });
}

Result<std::vector<GroupRecord>> SqliteStore::groups_of_user(std::int64_t organization_id, std::int64_t user_id) {
  return read([&](Connection& db) { return load_groups(db, organization_id, user_id); });
}

Result<std::vector<GroupRecord>> SqliteStore::organization_groups(std::int64_t organization_id) {
  return read([&](Connection& db) { return load_groups(db, organization_id, std::nullopt); });
}

Status SqliteStore::add_user_to_group(std::int64_t group_id, std::string_view email) {
  return write([&](Connection& db) -> Status {
    Transaction tx(db);
    auto stmt = db.prepare("SELECT g.organization_id, u.id FROM groups g, users u WHERE g.id = ?1 AND u.email = ?2");
    stmt.bind_all(group_id, email);
    if (!stmt.step())
      return make_error(ErrorCode::NotFound, "no group " + std::to_string(group_id) + " or no such user");
    const std::int64_t organization_id = stmt.int64(0);
    const std::int64_t user_id = stmt.int64(1);
    if (!is_org_member(db, organization_id, user_id)) {
      return invalid("email", "the user is not in the group's organization");
    }
    db.prepare("INSERT OR IGNORE INTO group_users (group_id, user_id) VALUES (?1, ?2)")
        .bind_all(group_id, user_id)
        .run();
    tx.commit();
    return Ok{};
  });
}

Result<ProjectMembers> SqliteStore::project_members(std::int64_t project_id) {
  return read([&](Connection& db) -> Result<ProjectMembers> { return load_members(db, project_id); });
}

Status SqliteStore::add_project_members(std::int64_t workspace_id, std::int64_t project_id,
                                        const std::vector<std::int64_t>& user_ids,
                                        const std::vector<std::int64_t>& group_ids, bool manager,
                                        const ManagerRule& manager_rule) {
  return write([&](Connection& db) -> Status {
    Transaction tx(db);
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
    auto status = keeping_managers(db, {project_id}, manager_rule, [&]() -> Status {
      for (auto user_id : user_ids) {
        db.prepare(
              "INSERT INTO project_users (project_id, user_id, role, created_at) VALUES (?1, ?2, ?3, ?4)"
              " ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role")
            .bind_all(project_id, user_id, role_name(manager), now)
            .run();
      }
      for (auto group_id : group_ids) {
        db.prepare(
              "INSERT INTO project_groups (project_id, group_id, role, created_at) VALUES (?1, ?2, ?3, ?4)"
              " ON CONFLICT (project_id, group_id) DO UPDATE SET role = excluded.role")
            .bind_all(project_id, group_id, role_name(manager), now)
            .run();
      }
      return Ok{};
    });
    if (!status) return status;
    tx.commit();
    return Ok{};
  });
}

Status SqliteStore::set_project_member_role(std::int64_t project_id, const MemberRef& member, bool manager,
                                            const ManagerRule& manager_rule) {
  return write([&](Connection& db) -> Status {
    Transaction tx(db);
    if (!member_role(db, project_id, member)) return not_a_member(member);
    auto status = keeping_managers(db, {project_id}, manager_rule, [&]() -> Status {
      auto stmt = member.user_id
                      ? db.prepare("UPDATE project_users SET role = ?3 WHERE project_id = ?1 AND user_id = ?2")
                      : db.prepare("UPDATE project_groups SET role = ?3 WHERE project_id = ?1 AND group_id = ?2");
      stmt.bind_all(project_id, member.user_id ? *member.user_id : *member.group_id, role_name(manager));
      stmt.run();
      return Ok{};
    });
    if (!status) return status;
    tx.commit();
    return Ok{};
  });
}

Status SqliteStore::remove_project_member(std::int64_t project_id, const MemberRef& member,
                                          const ManagerRule& manager_rule) {
  return write([&](Connection& db) -> Status {
    Transaction tx(db);
    if (!member_role(db, project_id, member)) return not_a_member(member);
    auto status = keeping_managers(db, {project_id}, manager_rule, [&]() -> Status {
      auto stmt = member.user_id ? db.prepare("DELETE FROM project_users WHERE project_id = ?1 AND user_id = ?2")
                                 : db.prepare("DELETE FROM project_groups WHERE project_id = ?1 AND group_id = ?2");
      stmt.bind_all(project_id, member.user_id ? *member.user_id : *member.group_id);
      stmt.run();
      return Ok{};
    });
    if (!status) return status;
    tx.commit();
    return Ok{};
  });
}

}  // namespace focusd
