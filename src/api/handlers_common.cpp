#include "api/handlers_common.h"

#include "domain/task_access.h"

namespace focusd::api {

Result<WorkspaceAccess> workspace_access_in(const Call& call, Store& store) {
  return store.workspace_access(call.user->id, call.params.get(PathId::Workspace),
                                call.params.find(PathId::Organization));
}

boost::asio::awaitable<Result<WorkspaceAccess>> workspace_access(Call& call) {
  co_return co_await in_store(call, [&](Store& store) { return workspace_access_in(call, store); });
}

Result<Query> query_of(const Call& call) {
  return Query::parse(call.request.target());
}

namespace {

// The access check and the read in one store call: one statement where the
// store can, without the blocking pool where it reads asynchronously.
boost::asio::awaitable<Result<LoadedProject>> find_project_with_access(Call& call, bool include_deleted) {
  const std::int64_t user_id = call.user->id;
  const std::int64_t workspace_id = call.params.get(PathId::Workspace);
  const std::optional<std::int64_t> organization_id = call.params.find(PathId::Organization);
  const std::int64_t project_id = call.params.get(PathId::Project);
  if (AsyncReads* async_reads = call.services.store.async_reads()) {
    const auto start = metrics::Clock::now();
    auto found = co_await async_reads->find_project_with_access(user_id, workspace_id, organization_id, project_id,
                                                                include_deleted);
    metrics::database_call(metrics::DatabaseCall::Read, metrics::seconds_since(start), metrics::database_failed(found));
    co_return found;
  }
  co_return co_await in_store(call, [&](Store& store) {
    return store.find_project_with_access(user_id, workspace_id, organization_id, project_id, include_deleted);
  });
}

}  // namespace

boost::asio::awaitable<Result<LoadedProject>> load_project(Call& call, bool include_deleted) {
  FOCUSD_CO_TRY(loaded, co_await find_project_with_access(call, include_deleted));
  // The store filtered by the same rule; a store that did not must not reveal the project.
  if (!domain::can_see(loaded.access, loaded.project.viewer_role, loaded.project.fields.is_private)) {
    co_return make_error(ErrorCode::NotFound, "project not found");
  }
  co_return std::move(loaded);
}

Status require_project(const LoadedProject& loaded, domain::ProjectAction action) {
  if (domain::allowed(loaded.access, loaded.project.viewer_role, loaded.project.fields.is_private, action)) {
    return Ok{};
  }
  return make_error(ErrorCode::Forbidden, "you may not do this to this project");
}

Response no_content() {
  Response res{http::status::no_content, 11};
  return res;
}

boost::asio::awaitable<Result<LoadedTask>> load_task(Call& call, bool include_deleted) {
  const std::int64_t task_id = call.params.get(PathId::Task);
  co_return co_await in_store(call, [&](Store& store) -> Result<LoadedTask> {
    auto access = workspace_access_in(call, store);
    if (!access) return access.error();
    auto task = store.find_task(access->workspace_id, task_id, domain::viewer_of(*access), include_deleted);
    if (!task) return task.error();
    if (!domain::may_see_task(domain::viewer_of(*access), *task))
      return make_error(ErrorCode::NotFound, "task not found");
    return LoadedTask{access.value(), std::move(task.value())};
  });
}

}  // namespace focusd::api
