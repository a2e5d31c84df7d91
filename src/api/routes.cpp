// The route table: every operation focusd serves, as plain data.
#include "api/routes.h"
#include "api/handlers.h"

namespace focusd::api {

std::vector<Route> route_table() {
  using http::verb;
  using enum BodyKind;
  using enum Access;
  namespace h = handlers;
  return {
      {verb::get, "/healthz", h::healthz, None, Public},
      {verb::get, "/readyz", h::readyz, None, Public},
      {verb::get, "/api/version", h::version, None, Public},
      {verb::get, "/api/users/me/settings", h::get_user_settings, None, Authenticated},
      {verb::patch, "/api/users/me/settings", h::patch_user_settings, Json, Authenticated},
      {verb::get, "/api/organizations/{organization_id}/workspaces", h::list_workspaces, None, Authenticated},
  };
}

}  // namespace focusd::api
