#include <algorithm>

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_util.h"
#include "common/offload.h"
#include "domain/organization_users.h"
#include "domain/roles.h"
#include "domain/user_settings.h"

namespace focusd::api::handlers {

namespace {

boost::json::object parse_stored(const std::string& text) {
  boost::system::error_code ec;
  auto value = boost::json::parse(text, ec);
  return !ec && value.is_object() ? value.as_object() : boost::json::object{};
}

// The settings response: identity, defaults and the stored settings.
Result<boost::json::object> settings_view(Store& store, std::int64_t user_id) {
  auto user = store.find_user(user_id);
  if (!user) return user.error();
  auto stored_text = store.user_settings(user_id);
  if (!stored_text) return stored_text.error();
  auto memberships = store.memberships(user_id);
  if (!memberships) return memberships.error();

  boost::json::object stored = parse_stored(*stored_text);
  boost::json::object body = domain::effective_settings(stored, *memberships);
  body["user_id"] = user->id;
  body["email"] = user->email;
  body["fullname"] = user->fullname;
  body["default_organization_id"] = nullptr;
  body["default_workspace_id"] = nullptr;

  // The chosen workspace while the user can still reach it, else the first
  // workspace of their oldest organization.
  if (auto* current = stored.if_contains("current_workspace_id"); current && current->is_int64()) {
    auto reachable = store.can_access_workspace(user_id, current->as_int64());
    if (!reachable) return reachable.error();
    if (!*reachable) body.erase("current_workspace_id");
  }
  if (!memberships->empty()) {
    const std::int64_t organization_id = memberships->front().organization_id;
    auto workspaces = store.list_workspaces(user_id, organization_id);
    if (!workspaces) return workspaces.error();
    body["default_organization_id"] = organization_id;
    if (auto* current = body.if_contains("current_workspace_id")) {
      body["default_workspace_id"] = *current;
    } else if (!workspaces->empty()) {
      body["default_workspace_id"] = workspaces->front().id;
      body["current_workspace_id"] = workspaces->front().id;
    }
  }
  return body;
}

// True when `values` is given and `wanted` is not among them.
bool given_without(const std::vector<std::string>& values, std::string_view wanted) {
  return !values.empty() && std::find(values.begin(), values.end(), wanted) == values.end();
}

// The filters of GET /organizations/{id}/users but `workspaces` (which needs
// the organization's workspaces). What focusd has not (member tags, custom
// fields, other products, inactive or invited users) matches nobody when a
// filter asks for it; the include_* flags add nothing focusd has.
Result<domain::OrganizationUserFilter> organization_user_filter(const Query& query) {
  domain::OrganizationUserFilter f;
  for (auto [name, target] : {std::pair{"user_account_ids", &f.user_ids}, std::pair{"org_user_ids", &f.org_user_ids},
                              std::pair{"groups", &f.group_ids}, std::pair{"pinned_ids", &f.pinned_ids}}) {
    auto ids = query.ids(name);
    if (!ids) return ids.error();
    *target = std::move(*ids);
  }
  auto role_ids = query.ids("roles");
  if (!role_ids) return role_ids.error();
  for (auto id : *role_ids) {
    if (auto role = domain::organization_role_of(id)) f.roles.push_back(*role);
  }
  if (!role_ids->empty() && f.roles.empty()) f.matches_nothing = true;
  auto tag_ids = query.ids("tag_ids");
  if (!tag_ids) return tag_ids.error();
  if (!tag_ids->empty() || !query.list("cf_filter").empty() || given_without(query.list("toggl_products"), "focus") ||
      given_without(query.list("active_status"), "active")) {
    f.matches_nothing = true;
  }
  if (auto flags = query.booleans({"include_working_hours", "include_rates", "include_custom_fields"}); !flags) {
    return flags.error();
  }
  auto only_admins = query.boolean("only_admins");
  if (!only_admins) return only_admins.error();
  f.only_admins = only_admins->value_or(false);
  auto has_group = query.boolean("has_group");
  if (!has_group) return has_group.error();
  f.has_group = *has_group;
  auto text = query.text("filter");
  if (!text) return text.error();
  f.text = text->value_or("");
  auto sort_dir = query.text("sort_dir");
  if (!sort_dir) return sort_dir.error();
  if (*sort_dir && **sort_dir != "asc" && **sort_dir != "desc") return invalid("sort_dir", "must be asc or desc");
  f.descending = *sort_dir == "desc";
  auto page = query.page();
  if (!page) return page.error();
  f.page = *page;
  return f;
}

// organization.OrganizationUserResponse. focusd keeps no working hours, rates,
// member tags, workspace users or other products' roles: those are null or
// empty. Every user reaches every workspace of the organization, with their
// organization role.
boost::json::object organization_user_json(std::int64_t organization_id, const domain::OrganizationUserView& view,
                                           const std::vector<WorkspaceRecord>& workspaces) {
  const OrganizationUserRecord& u = *view.user;
  boost::json::array groups;
  for (const GroupRecord* g : view.groups) {
    boost::json::array workspace_ids;
    for (const auto& w : g->workspaces) workspace_ids.push_back(w.workspace_id);
    groups.push_back(boost::json::object{
        {"id", g->id}, {"name", g->name}, {"emoji", g->emoji}, {"workspace_ids", std::move(workspace_ids)}});
  }
  boost::json::array reached;
  for (const auto& w : workspaces) {
    boost::json::array workspace_groups;
    for (const GroupRecord* g : view.groups) {
      const bool there = std::any_of(g->workspaces.begin(), g->workspaces.end(),
                                     [&](const GroupWorkspace& gw) { return gw.workspace_id == w.id; });
      if (there) workspace_groups.push_back(boost::json::object{{"id", g->id}, {"name", g->name}, {"emoji", g->emoji}});
    }
    reached.push_back(boost::json::object{{"id", w.id},
                                          {"name", w.name},
                                          {"workspace_user_id", nullptr},
                                          {"focus_role_id", domain::organization_role_id(u.role)},
                                          {"track_role_id", nullptr},
                                          {"work_role_id", nullptr},
                                          {"toggl_products", boost::json::array{"focus"}},
                                          {"groups", std::move(workspace_groups)}});
  }
  return boost::json::object{{"id", u.id},
                             {"user_id", std::to_string(u.user_id)},
                             {"user_account_id", u.user_id},
                             {"organization_id", organization_id},
                             {"name", domain::display_name(u)},
                             {"email", u.email},
                             {"active", true},
                             {"joined", true},
                             {"invite_sent", false},
                             {"owner", u.role == OrgRole::Owner},
                             {"admin", u.role != OrgRole::Member},
                             {"2fa_enabled", false},
                             {"account_locked_at", nullptr},
                             {"can_edit_personal_details", false},
                             {"permissions", boost::json::object{}},
                             {"rate", nullptr},
                             {"working_hours", nullptr},
                             {"tags", boost::json::array{}},
                             {"groups", std::move(groups)},
                             {"workspaces", std::move(reached)},
                             {"created_at", u.joined_at},
                             {"updated_at", u.joined_at},
                             {"deleted_at", nullptr}};
}

}  // namespace

awaitable<Result<Reply>> get_user_settings(Call& call) {
  auto view =
      co_await offload(call.services.blocking, [&] { return settings_view(call.services.store, call.user->id); });
  if (!view) co_return view.error();
  co_return json_response(http::status::ok, *view);
}

awaitable<Result<Reply>> patch_user_settings(Call& call) {
  FOCUSD_CO_TRY(patch, parse_json_object(call.request.body()));
  FOCUSD_CO_CHECK(domain::validate_settings_patch(patch));

  Store& store = call.services.store;
  const std::int64_t user_id = call.user->id;
  auto view = co_await offload(call.services.blocking, [&]() -> Result<boost::json::object> {
    if (auto* workspace = patch.if_contains("current_workspace_id"); workspace && !workspace->is_null()) {
      auto reachable = store.can_access_workspace(user_id, workspace->as_int64());
      if (!reachable) return reachable.error();
      if (!*reachable) return invalid("current_workspace_id", "no such workspace");
    }
    auto updated = store.update_user_settings(user_id, [&](const std::string& current) -> Result<std::string> {
      return boost::json::serialize(domain::apply_settings_patch(parse_stored(current), patch));
    });
    if (!updated) return updated.error();
    return settings_view(store, user_id);
  });
  if (!view) co_return view.error();
  co_return json_response(http::status::ok, *view);
}

awaitable<Result<Reply>> list_workspaces(Call& call) {
  const std::int64_t organization_id = call.params.get(PathId::Organization);
  auto workspaces = co_await offload(
      call.services.blocking, [&] { return call.services.store.list_workspaces(call.user->id, organization_id); });
  if (!workspaces) co_return workspaces.error();
  boost::json::array body;
  for (const auto& w : *workspaces) {
    body.push_back(boost::json::object{
        {"id", w.id}, {"organization_id", w.organization_id}, {"name", w.name}, {"created_at", w.created_at}});
  }
  co_return json_response(http::status::ok, body);
}

// Every member of the organization sees all its users: focusd has no guests
// (whom Focus shows only the users they share projects with).
awaitable<Result<Reply>> list_organization_users(Call& call) {
  const std::int64_t organization_id = call.params.get(PathId::Organization);
  struct Organization {
    std::vector<WorkspaceRecord> workspaces;
    std::vector<OrganizationUserRecord> users;
    std::vector<GroupRecord> groups;
  };
  FOCUSD_CO_TRY(org, co_await in_store(call, [&](Store& s) -> Result<Organization> {
                  auto workspaces = s.list_workspaces(call.user->id, organization_id);  // NotFound for an outsider
                  if (!workspaces) return workspaces.error();
                  auto users = s.organization_users(organization_id);
                  if (!users) return users.error();
                  auto groups = s.organization_groups(organization_id);
                  if (!groups) return groups.error();
                  return Organization{std::move(*workspaces), std::move(*users), std::move(*groups)};
                }));
  // The query is judged after the membership, as everywhere: 404 to an outsider whatever it asks.
  FOCUSD_CO_TRY(query, query_of(call));
  FOCUSD_CO_TRY(filter, organization_user_filter(query));
  FOCUSD_CO_TRY(in_workspaces, query.ids("workspaces"));
  // Every user reaches every workspace of the organization: the filter keeps
  // them all when it names one of those, and nobody otherwise.
  const bool ours = std::any_of(org.workspaces.begin(), org.workspaces.end(), [&](const WorkspaceRecord& w) {
    return std::find(in_workspaces.begin(), in_workspaces.end(), w.id) != in_workspaces.end();
  });
  if (!in_workspaces.empty() && !ours) filter.matches_nothing = true;
  boost::json::array body;
  for (const auto& view : domain::select_organization_users(org.users, org.groups, filter)) {
    body.push_back(organization_user_json(organization_id, view, org.workspaces));
  }
  co_return json_response(http::status::ok, body);
}

}  // namespace focusd::api::handlers
