// Project members, organization groups and roles.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <limits>

#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_util.h"
#include "domain/member_input.h"
#include "domain/project_managers.h"
#include "domain/roles.h"

namespace focusd::api::handlers {

namespace {

using domain::ProjectAction;

boost::json::array members_json(const std::vector<ProjectMember>& members, const char* id_name) {
  boost::json::array out;
  for (const auto& m : members) out.push_back(boost::json::object{{id_name, m.id}, {"manager", m.manager}});
  return out;
}

struct MemberChange {
  LoadedProject loaded;
  boost::json::object body;
};

// Loads the project, checks ManageMembers and parses the body.
awaitable<Result<MemberChange>> prepare_change(Call& call) {
  FOCUSD_CO_TRY(loaded, co_await load_project(call));
  FOCUSD_CO_CHECK(require_project(loaded, ProjectAction::ManageMembers));
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  co_return MemberChange{std::move(loaded), std::move(body)};
}

// orgprivate.Group. Its links to users and workspaces have no ids of their
// own in focusd (a pair is the key) and carry no per-link roles: those
// members are null.
boost::json::object group_json(const GroupRecord& g) {
  boost::json::array users;
  for (const auto& u : g.users) {
    users.push_back(boost::json::object{{"user_group_id", nullptr},
                                        {"user_account_id", u.user_id},
                                        {"organization_user_id", u.organization_user_id},
                                        {"display_name", u.display_name},
                                        {"focus_role_id", nullptr},
                                        {"track_role_id", nullptr},
                                        {"work_role_id", nullptr},
                                        {"created_at", g.created_at},
                                        {"updated_at", g.updated_at},
                                        {"deleted_at", nullptr}});
  }
  boost::json::array workspaces;
  for (const auto& w : g.workspaces) {
    workspaces.push_back(boost::json::object{{"workspace_group_id", nullptr},
                                             {"workspace_id", w.workspace_id},
                                             {"name", w.name},
                                             {"focus_role_id", nullptr},
                                             {"products", boost::json::array{"focus"}},
                                             {"created_at", g.created_at},
                                             {"updated_at", g.updated_at},
                                             {"deleted_at", nullptr}});
  }
  return boost::json::object{{"id", g.id},
                             {"organization_id", g.organization_id},
                             {"name", g.name},
                             {"emoji", g.emoji},
                             {"created_at", g.created_at},
                             {"updated_at", g.updated_at},
                             {"deleted_at", nullptr},
                             {"users", std::move(users)},
                             {"workspaces", std::move(workspaces)}};
}

// The caller's role in the path's organization; NotFound for outsiders.
awaitable<Result<OrgRole>> organization_role(Call& call) {
  const std::int64_t organization_id = call.params.get(PathId::Organization);
  co_return co_await in_store(call, [&](Store& s) { return s.organization_role(call.user->id, organization_id); });
}

}  // namespace

awaitable<Result<Reply>> list_project_members(Call& call) {
  FOCUSD_CO_TRY(loaded, co_await load_project(call));
  FOCUSD_CO_TRY(members, co_await in_store(call, [&](Store& s) { return s.project_members(loaded.project.id); }));
  co_return json_response(http::status::ok,
                          boost::json::object{{"project_id", loaded.project.id},
                                              {"user_ids", members_json(members.users, "user_id")},
                                              {"group_ids", members_json(members.groups, "group_id")}});
}

awaitable<Result<Reply>> add_project_members(Call& call) {
  FOCUSD_CO_TRY(prepared, co_await prepare_change(call));
  const LoadedProject& loaded = prepared.loaded;
  FOCUSD_CO_TRY(in, domain::read_member_addition(prepared.body));
  auto status = co_await in_store_write(call, [&](Store& s) {
    return s.add_project_members(loaded.access.workspace_id, loaded.project.id, in.user_ids, in.group_ids, in.manager,
                                 domain::keep_a_manager);
  });
  if (!status) co_return status.error();
  co_return no_content();
}

awaitable<Result<Reply>> update_project_member(Call& call) {
  FOCUSD_CO_TRY(prepared, co_await prepare_change(call));
  const LoadedProject& loaded = prepared.loaded;
  FOCUSD_CO_TRY(change, domain::read_member_role_change(prepared.body));
  auto status = co_await in_store_write(call, [&](Store& s) {
    return s.set_project_member_role(loaded.project.id, change.member, change.manager, domain::keep_a_manager);
  });
  if (!status) co_return status.error();
  co_return no_content();
}

awaitable<Result<Reply>> remove_project_member(Call& call) {
  FOCUSD_CO_TRY(prepared, co_await prepare_change(call));
  const LoadedProject& loaded = prepared.loaded;
  FOCUSD_CO_TRY(ref, domain::read_member_removal(prepared.body));
  auto status = co_await in_store(
      call, [&](Store& s) { return s.remove_project_member(loaded.project.id, ref, domain::keep_a_manager); });
  if (!status) co_return status.error();
  co_return no_content();
}

awaitable<Result<Reply>> list_roles(Call& call) {
  FOCUSD_CO_CHECK(co_await organization_role(call));
  const std::int64_t organization_id = call.params.get(PathId::Organization);
  boost::json::array out;
  for (const auto& r : domain::roles()) {
    boost::json::array permissions;
    for (auto name : r.permissions) {
      permissions.push_back(boost::json::object{{"permission_id", domain::permission_id(name)},
                                                {"name", name},
                                                {"entity", r.entity},
                                                {"description", name},
                                                {"category_id", r.entity == "project" ? 1 : 2},
                                                {"category_name", r.entity},
                                                {"condition", ""}});
    }
    out.push_back(boost::json::object{{"role_id", r.id},
                                      {"code", r.code},
                                      {"name", r.name},
                                      {"description", r.description},
                                      {"entity", r.entity},
                                      {"type", r.type},
                                      {"organization_id", organization_id},
                                      {"privilege_level", r.privilege_level},
                                      {"require_group", false},
                                      {"default_for_levels", boost::json::array{}},
                                      {"permissions", std::move(permissions)}});
  }
  co_return json_response(http::status::ok, out);
}

awaitable<Result<Reply>> create_group(Call& call) {
  FOCUSD_CO_TRY(role, co_await organization_role(call));
  FOCUSD_CO_CHECK(domain::require_organization_admin(role, "manage groups"));
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_TRY(in, domain::read_group_input(body));
  const std::int64_t organization_id = call.params.get(PathId::Organization);
  FOCUSD_CO_TRY(group, co_await in_store_write(call, [&](Store& s) { return s.create_group(organization_id, in); }));
  co_return json_response(http::status::created, group_json(group));
}

awaitable<Result<Reply>> update_group(Call& call) {
  FOCUSD_CO_TRY(role, co_await organization_role(call));
  FOCUSD_CO_CHECK(domain::require_organization_admin(role, "manage groups"));
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_TRY(in, domain::read_group_input(body));
  const std::int64_t organization_id = call.params.get(PathId::Organization);
  const std::int64_t group_id = call.params.get(PathId::Group);
  auto group = co_await in_store(
      call, [&](Store& s) { return s.update_group(organization_id, group_id, in, domain::keep_a_manager); });
  if (!group) co_return group.error();
  co_return json_response(http::status::ok, group_json(*group));
}

// The Swagger's `workspace_id` query parameter (for Focus's permission check)
// must be an id when given; focusd's check is the organization role.
awaitable<Result<Reply>> delete_group(Call& call) {
  FOCUSD_CO_TRY(query, query_of(call));
  FOCUSD_CO_CHECK(query.integer("workspace_id", 1, std::numeric_limits<std::int64_t>::max()));
  FOCUSD_CO_TRY(role, co_await organization_role(call));
  FOCUSD_CO_CHECK(domain::require_organization_admin(role, "manage groups"));
  const std::int64_t organization_id = call.params.get(PathId::Organization);
  const std::int64_t group_id = call.params.get(PathId::Group);
  auto status = co_await in_store(
      call, [&](Store& s) { return s.delete_group(organization_id, group_id, domain::keep_a_manager); });
  if (!status) co_return status.error();
  co_return json_response(http::status::ok, boost::json::object{});
}

awaitable<Result<Reply>> my_groups(Call& call) {
  FOCUSD_CO_CHECK(co_await organization_role(call));
  const std::int64_t organization_id = call.params.get(PathId::Organization);
  FOCUSD_CO_TRY(groups,
                co_await in_store(call, [&](Store& s) { return s.groups_of_user(organization_id, call.user->id); }));
  boost::json::array out;
  for (const auto& g : groups) out.push_back(boost::json::object{{"id", g.id}, {"name", g.name}, {"emoji", g.emoji}});
  co_return json_response(http::status::ok, out);
}

}  // namespace focusd::api::handlers
