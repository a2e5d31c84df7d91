#include "api/handlers_common.h"

namespace focusd::api {

boost::asio::awaitable<Result<WorkspaceAccess>> workspace_access(Call& call) {
  const std::int64_t workspace_id = call.params.get("workspace_id");
  const std::int64_t organization_id = call.params.get("organization_id");
  const std::int64_t user_id = call.user->id;
  co_return co_await in_store(call, [&](Store& store) {
    return store.workspace_access(user_id, workspace_id,
                                  organization_id ? std::optional<std::int64_t>(organization_id) : std::nullopt);
  });
}

Result<Query> query_of(const Call& call) {
  return Query::parse(call.request.target());
}

Response no_content() {
  Response res{http::status::no_content, 11};
  return res;
}

}  // namespace focusd::api
