#include "api/handlers_common.h"

namespace focusd::api {

boost::asio::awaitable<Result<WorkspaceAccess>> workspace_access(Call& call) {
  const std::int64_t workspace_id = call.params.get(PathId::Workspace);
  const std::optional<std::int64_t> organization_id = call.params.find(PathId::Organization);
  const std::int64_t user_id = call.user->id;
  co_return co_await in_store(
      call, [&](Store& store) { return store.workspace_access(user_id, workspace_id, organization_id); });
}

Result<Query> query_of(const Call& call) {
  return Query::parse(call.request.target());
}

boost::asio::awaitable<Result<LoadedProject>> load_project(Call& call, bool include_deleted) {
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  const std::int64_t project_id = call.params.get(PathId::Project);
  const Viewer viewer = domain::viewer_of(access);
  auto project = co_await in_store(
      call, [&](Store& s) { return s.find_project(access.workspace_id, project_id, viewer, include_deleted); });
  if (!project) co_return project.error();
  co_return LoadedProject{access, std::move(project.value())};
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
  FOCUSD_CO_TRY(access, co_await workspace_access(call));
  const std::int64_t task_id = call.params.get(PathId::Task);
  const Viewer viewer = domain::viewer_of(access);
  auto task = co_await in_store(
      call, [&](Store& s) { return s.find_task(access.workspace_id, task_id, viewer, include_deleted); });
  if (!task) co_return task.error();
  co_return LoadedTask{access, std::move(task.value())};
}

}  // namespace focusd::api
