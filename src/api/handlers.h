#pragma once
// Handlers, one function per operation. Each turns a Call into a Response and
// returns domain/store Errors as they are; api/errors.h renders them.

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include "api/api.h"

namespace focusd::api::handlers {

using boost::asio::awaitable;

// handlers_system.cpp
awaitable<Result<Response>> version(Call& call);
awaitable<Result<Response>> healthz(Call& call);
awaitable<Result<Response>> readyz(Call& call);
awaitable<Result<Response>> openapi(Call& call);

// handlers_users.cpp
awaitable<Result<Response>> get_user_settings(Call& call);
awaitable<Result<Response>> patch_user_settings(Call& call);
awaitable<Result<Response>> list_workspaces(Call& call);

// handlers_catalog.cpp: /api/workspaces/{workspace_id}/clients and /tags
awaitable<Result<Response>> list_clients(Call& call);
awaitable<Result<Response>> create_client(Call& call);
awaitable<Result<Response>> get_client(Call& call);
awaitable<Result<Response>> update_client(Call& call);
awaitable<Result<Response>> delete_client(Call& call);
awaitable<Result<Response>> restore_client(Call& call);
awaitable<Result<Response>> list_tags(Call& call);
awaitable<Result<Response>> create_tag(Call& call);
awaitable<Result<Response>> get_tag(Call& call);
awaitable<Result<Response>> update_tag(Call& call);
awaitable<Result<Response>> delete_tag(Call& call);
awaitable<Result<Response>> restore_tag(Call& call);

// handlers_projects.cpp: /api/organizations/{organization_id}/workspaces/{workspace_id}/projects
awaitable<Result<Response>> list_projects(Call& call);
awaitable<Result<Response>> create_project(Call& call);
awaitable<Result<Response>> get_project(Call& call);
awaitable<Result<Response>> replace_project(Call& call);
awaitable<Result<Response>> patch_project(Call& call);
awaitable<Result<Response>> delete_project(Call& call);
awaitable<Result<Response>> restore_project(Call& call);
awaitable<Result<Response>> archive_project(Call& call);
awaitable<Result<Response>> unarchive_project(Call& call);
awaitable<Result<Response>> pin_project(Call& call);
awaitable<Result<Response>> unpin_project(Call& call);
awaitable<Result<Response>> project_children(Call& call);
awaitable<Result<Response>> project_parents(Call& call);

// handlers_members.cpp: project members, organization groups and roles
awaitable<Result<Response>> list_project_members(Call& call);
awaitable<Result<Response>> add_project_members(Call& call);
awaitable<Result<Response>> update_project_member(Call& call);
awaitable<Result<Response>> remove_project_member(Call& call);
awaitable<Result<Response>> list_roles(Call& call);
awaitable<Result<Response>> create_group(Call& call);
awaitable<Result<Response>> update_group(Call& call);
awaitable<Result<Response>> delete_group(Call& call);
awaitable<Result<Response>> my_groups(Call& call);

// handlers_tasks.cpp: /api/organizations/{organization_id}/workspaces/{workspace_id}/tasks
awaitable<Result<Response>> list_tasks(Call& call);
awaitable<Result<Response>> create_task(Call& call);
awaitable<Result<Response>> get_task(Call& call);
awaitable<Result<Response>> replace_task(Call& call);
awaitable<Result<Response>> patch_task(Call& call);
awaitable<Result<Response>> delete_task(Call& call);
awaitable<Result<Response>> restore_task(Call& call);
awaitable<Result<Response>> archive_task(Call& call);
awaitable<Result<Response>> unarchive_task(Call& call);

// handlers_attachments.cpp
awaitable<Result<Response>> attachment_storage(Call& call);
awaitable<Result<Response>> list_project_attachments(Call& call);
awaitable<Result<Response>> create_project_attachment(Call& call);
awaitable<Result<Response>> bulk_create_project_attachments(Call& call);
awaitable<Result<Response>> update_project_attachment(Call& call);
awaitable<Result<Response>> delete_project_attachment(Call& call);
awaitable<Result<Response>> view_project_attachment(Call& call);
awaitable<Result<Response>> list_task_attachments(Call& call);
awaitable<Result<Response>> create_task_attachment(Call& call);
awaitable<Result<Response>> bulk_create_task_attachments(Call& call);
awaitable<Result<Response>> update_task_attachment(Call& call);
awaitable<Result<Response>> delete_task_attachment(Call& call);
awaitable<Result<Response>> view_task_attachment(Call& call);

// handlers_rates.cpp: …/projects/{project_id}/rates
awaitable<Result<Response>> list_project_rates(Call& call);
awaitable<Result<Response>> create_project_rate(Call& call);
awaitable<Result<Response>> delete_project_rates(Call& call);
awaitable<Result<Response>> current_project_rate(Call& call);
// The project's `rate` for include_rates=true: its current rate, or null. Blocking.
boost::json::value rate_summary(Store& store, const ProjectRecord& project);

}  // namespace focusd::api::handlers
