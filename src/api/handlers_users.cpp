#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "api/handlers.h"
#include "api/json_util.h"
#include "common/offload.h"
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

}  // namespace focusd::api::handlers
