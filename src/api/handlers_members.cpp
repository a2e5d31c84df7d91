// Project members, organization groups and roles.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_util.h"
#include "common/json_read.h"
#include "domain/project_managers.h"
#include "domain/roles.h"

namespace focusd::api::handlers {

namespace {

using domain::ProjectAction;

Result<bool> read_role(const boost::json::object& body) {
  const auto* role = body.if_contains("role_id");
  if (!role) return invalid("role_id", "is required");
  auto id = json_read::id(*role, "role_id");
  if (!id) return id.error();
  auto manager = domain::project_role_is_manager(*id);
  if (!manager) return invalid("role_id", "is not a project role (see GET /api/organizations/{id}/roles)");
  return *manager;
}

// {user_id} or {group_id}: exactly one.
Result<MemberRef> read_member_ref(const boost::json::object& body) {
  MemberRef ref;
  if (const auto* user = body.if_contains("user_id"); user && !user->is_null()) {
    auto id = json_read::id(*user, "user_id");
    if (!id) return id.error();
    ref.user_id = *id;
  }
  if (const auto* group = body.if_contains("group_id"); group && !group->is_null()) {
    auto id = json_read::id(*group, "group_id");
    if (!id) return id.error();
    ref.group_id = *id;
  }
  if (ref.user_id.has_value() == ref.group_id.has_value()) {
    return invalid("user_id", "give exactly one of user_id and group_id");
  }
  return ref;
}

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

Result<GroupInput> read_group(std::string_view body_text) {
  auto body = parse_json_object(body_text);
  if (!body) return body.error();
  if (auto known = json_read::only(*body, {"name", "emoji", "organization_users", "workspaces"}); !known) {
    return known.error();
  }
  GroupInput in;
  const auto* name = body->if_contains("name");
  if (!name) return invalid("name", "is required");
  auto text = json_read::name(*name, "name");
  if (!text) return text.error();
  in.name = *text;
  if (const auto* emoji = body->if_contains("emoji"); emoji && !emoji->is_null()) {
    auto value = json_read::text(*emoji, "emoji", 32);
    if (!value) return value.error();
    in.emoji = *value;
  }
  for (auto [field, target] :
       {std::pair{"organization_users", &in.user_ids}, std::pair{"workspaces", &in.workspace_ids}}) {
    if (const auto* list = body->if_contains(field); list && !list->is_null()) {
      auto ids = json_read::ids(*list, field, 1000);
      if (!ids) return ids.error();
      *target = *ids;
    }
  }
  return in;
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
  const boost::json::object& body = prepared.body;
  FOCUSD_CO_CHECK(json_read::only(body, {"user_ids", "group_ids", "role_id"}));
  FOCUSD_CO_TRY(manager, read_role(body));
  std::vector<std::int64_t> user_ids, group_ids;
  for (auto [field, target] : {std::pair{"user_ids", &user_ids}, std::pair{"group_ids", &group_ids}}) {
    if (const auto* list = body.if_contains(field); list && !list->is_null()) {
      FOCUSD_CO_TRY(ids, json_read::ids(*list, field));
      *target = ids;
    }
  }
  if (user_ids.empty() && group_ids.empty()) co_return invalid("user_ids", "name at least one user or group");
  auto status = co_await in_store(call, [&](Store& s) {
    return s.add_project_members(loaded.access.workspace_id, loaded.project.id, user_ids, group_ids, manager,
                                 domain::keep_a_manager);
  });
  if (!status) co_return status.error();
  co_return no_content();
}

awaitable<Result<Reply>> update_project_member(Call& call) {
  FOCUSD_CO_TRY(prepared, co_await prepare_change(call));
  const LoadedProject& loaded = prepared.loaded;
  const boost::json::object& body = prepared.body;
  FOCUSD_CO_CHECK(json_read::only(body, {"user_id", "group_id", "role_id"}));
  FOCUSD_CO_TRY(ref, read_member_ref(body));
  FOCUSD_CO_TRY(manager, read_role(body));
  auto status = co_await in_store(call, [&](Store& s) {
    return s.set_project_member_role(loaded.project.id, ref, manager, domain::keep_a_manager);
  });
  if (!status) co_return status.error();
  co_return no_content();
}

awaitable<Result<Reply>> remove_project_member(Call& call) {
  FOCUSD_CO_TRY(prepared, co_await prepare_change(call));
  const LoadedProject& loaded = prepared.loaded;
  const boost::json::object& body = prepared.body;
  FOCUSD_CO_CHECK(json_read::only(body, {"user_id", "group_id"}));
  FOCUSD_CO_TRY(ref, read_member_ref(body));
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
  FOCUSD_CO_TRY(in, read_group(call.request.body()));
  const std::int64_t organization_id = call.params.get(PathId::Organization);
  FOCUSD_CO_TRY(group, co_await in_store(call, [&](Store& s) { return s.create_group(organization_id, in); }));
  co_return json_response(http::status::created, group_json(group));
}

awaitable<Result<Reply>> update_group(Call& call) {
  FOCUSD_CO_TRY(role, co_await organization_role(call));
  FOCUSD_CO_CHECK(domain::require_organization_admin(role, "manage groups"));
  FOCUSD_CO_TRY(in, read_group(call.request.body()));
  const std::int64_t organization_id = call.params.get(PathId::Organization);
  const std::int64_t group_id = call.params.get(PathId::Group);
  auto group = co_await in_store(
      call, [&](Store& s) { return s.update_group(organization_id, group_id, in, domain::keep_a_manager); });
  if (!group) co_return group.error();
  co_return json_response(http::status::ok, group_json(*group));
}

awaitable<Result<Reply>> delete_group(Call& call) {
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
