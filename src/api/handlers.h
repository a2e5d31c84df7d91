#pragma once
// Handlers, one function per operation. Each turns a Call into a Response and
// returns domain/store Errors as they are; api/errors.h renders them.

#include <boost/asio/awaitable.hpp>
#include <boost/json/value.hpp>

#include "api/api.h"

namespace focusd::api::handlers {

using boost::asio::awaitable;

// handlers_system.cpp
awaitable<Result<Reply>> version(Call& call);
awaitable<Result<Reply>> prometheus_metrics(Call& call);
awaitable<Result<Reply>> healthz(Call& call);
awaitable<Result<Reply>> readyz(Call& call);
awaitable<Result<Reply>> openapi(Call& call);

// handlers_users.cpp
awaitable<Result<Reply>> get_user_settings(Call& call);
awaitable<Result<Reply>> patch_user_settings(Call& call);
awaitable<Result<Reply>> list_workspaces(Call& call);
awaitable<Result<Reply>> list_organization_users(Call& call);

// handlers_catalog.cpp: /api/workspaces/{workspace_id}/clients and /tags
awaitable<Result<Reply>> list_clients(Call& call);
awaitable<Result<Reply>> create_client(Call& call);
awaitable<Result<Reply>> get_client(Call& call);
awaitable<Result<Reply>> update_client(Call& call);
awaitable<Result<Reply>> delete_client(Call& call);
awaitable<Result<Reply>> restore_client(Call& call);
awaitable<Result<Reply>> list_tags(Call& call);
awaitable<Result<Reply>> create_tag(Call& call);
awaitable<Result<Reply>> get_tag(Call& call);
awaitable<Result<Reply>> update_tag(Call& call);
awaitable<Result<Reply>> delete_tag(Call& call);
awaitable<Result<Reply>> restore_tag(Call& call);

// handlers_projects.cpp: /api/organizations/{organization_id}/workspaces/{workspace_id}/projects
awaitable<Result<Reply>> list_projects(Call& call);
awaitable<Result<Reply>> create_project(Call& call);
awaitable<Result<Reply>> get_project(Call& call);
awaitable<Result<Reply>> replace_project(Call& call);
awaitable<Result<Reply>> patch_project(Call& call);
awaitable<Result<Reply>> delete_project(Call& call);
awaitable<Result<Reply>> restore_project(Call& call);
awaitable<Result<Reply>> archive_project(Call& call);
awaitable<Result<Reply>> unarchive_project(Call& call);
awaitable<Result<Reply>> pin_project(Call& call);
awaitable<Result<Reply>> unpin_project(Call& call);
awaitable<Result<Reply>> project_children(Call& call);
awaitable<Result<Reply>> project_parents(Call& call);

// handlers_members.cpp: project members, organization groups and roles
awaitable<Result<Reply>> list_project_members(Call& call);
awaitable<Result<Reply>> add_project_members(Call& call);
awaitable<Result<Reply>> update_project_member(Call& call);
awaitable<Result<Reply>> remove_project_member(Call& call);
awaitable<Result<Reply>> list_roles(Call& call);
awaitable<Result<Reply>> create_group(Call& call);
awaitable<Result<Reply>> update_group(Call& call);
awaitable<Result<Reply>> delete_group(Call& call);
awaitable<Result<Reply>> my_groups(Call& call);

// handlers_tasks.cpp: /api/organizations/{organization_id}/workspaces/{workspace_id}/tasks
awaitable<Result<Reply>> list_tasks(Call& call);
awaitable<Result<Reply>> stream_tasks(Call& call);

awaitable<Result<Reply>> current_time_entry(Call& call);
awaitable<Result<Reply>> start_tracking(Call& call);
awaitable<Result<Reply>> stop_tracking(Call& call);
awaitable<Result<Reply>> list_time_entries(Call& call);
awaitable<Result<Reply>> stream_time_entries(Call& call);
awaitable<Result<Reply>> get_time_entry(Call& call);
awaitable<Result<Reply>> list_task_time_entries(Call& call);
awaitable<Result<Reply>> start_tracking_from_description(Call& call);
awaitable<Result<Reply>> create_time_entry(Call& call);
awaitable<Result<Reply>> create_task_time_entry(Call& call);
awaitable<Result<Reply>> replace_time_entry(Call& call);
awaitable<Result<Reply>> patch_time_entry(Call& call);
awaitable<Result<Reply>> delete_time_entry(Call& call);
awaitable<Result<Reply>> restore_time_entry(Call& call);
awaitable<Result<Reply>> archive_time_entry(Call& call);
awaitable<Result<Reply>> unarchive_time_entry(Call& call);
awaitable<Result<Reply>> batch_time_entries(Call& call);
awaitable<Result<Reply>> bulk_create_time_entries(Call& call);
awaitable<Result<Reply>> bulk_patch_time_entries(Call& call);
awaitable<Result<Reply>> bulk_delete_time_entries(Call& call);
awaitable<Result<Reply>> bulk_restore_time_entries(Call& call);
awaitable<Result<Reply>> bulk_edit_time_entries(Call& call);
awaitable<Result<Reply>> set_day_duration(Call& call);
awaitable<Result<Reply>> bulk_set_day_duration(Call& call);
awaitable<Result<Reply>> stream_time_block_ids(Call& call);
awaitable<Result<Reply>> log_planned_time(Call& call);
awaitable<Result<Reply>> create_task(Call& call);
awaitable<Result<Reply>> get_task(Call& call);
awaitable<Result<Reply>> replace_task(Call& call);
awaitable<Result<Reply>> patch_task(Call& call);
awaitable<Result<Reply>> delete_task(Call& call);
awaitable<Result<Reply>> restore_task(Call& call);
awaitable<Result<Reply>> archive_task(Call& call);
awaitable<Result<Reply>> unarchive_task(Call& call);

// handlers_attachments.cpp
awaitable<Result<Reply>> attachment_storage(Call& call);
awaitable<Result<Reply>> list_project_attachments(Call& call);
awaitable<Result<Reply>> create_project_attachment(Call& call);
awaitable<Result<Reply>> bulk_create_project_attachments(Call& call);
awaitable<Result<Reply>> update_project_attachment(Call& call);
awaitable<Result<Reply>> delete_project_attachment(Call& call);
awaitable<Result<Reply>> view_project_attachment(Call& call);
awaitable<Result<Reply>> list_task_attachments(Call& call);
awaitable<Result<Reply>> create_task_attachment(Call& call);
awaitable<Result<Reply>> bulk_create_task_attachments(Call& call);
awaitable<Result<Reply>> update_task_attachment(Call& call);
awaitable<Result<Reply>> delete_task_attachment(Call& call);
awaitable<Result<Reply>> view_task_attachment(Call& call);

// handlers_rates.cpp: …/projects/{project_id}/rates
awaitable<Result<Reply>> list_project_rates(Call& call);
awaitable<Result<Reply>> create_project_rate(Call& call);
awaitable<Result<Reply>> delete_project_rates(Call& call);
awaitable<Result<Reply>> current_project_rate(Call& call);
// The project's `rate` for include_rates=true: its current rate, or null. Blocking.
boost::json::value rate_summary(Store& store, const ProjectRecord& project);

}  // namespace focusd::api::handlers
