// Attachments of projects and tasks: …/attachments/storage.
#include <boost/json/object.hpp>

#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_util.h"

namespace focusd::api::handlers {

// attachmentstorage.Usage: the sum of the workspace's live attachments and the
// configured limit (enforced when there is one).
awaitable<Result<Response>> attachment_storage(Call& call) {
  auto access = co_await workspace_access(call);
  if (!access) co_return access.error();
  auto used = co_await in_store(call, [&](Store& s) { return s.storage_used(access->workspace_id); });
  if (!used) co_return used.error();
  const std::int64_t limit = call.services.config.attachment_quota_bytes;
  co_return json_response(http::status::ok,
                          boost::json::object{{"enforced", limit > 0}, {"limit_bytes", limit}, {"used_bytes", *used}});
}

}  // namespace focusd::api::handlers
