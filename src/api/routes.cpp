// The route table: every operation focusd serves, as plain data.
#include "api/routes.h"
#include "api/handlers.h"

namespace focusd::api {

namespace {
#define FOCUSD_PROJECTS "/api/organizations/{organization_id}/workspaces/{workspace_id}/projects"
constexpr const char* kProjects = FOCUSD_PROJECTS;
constexpr const char* kProject = FOCUSD_PROJECTS "/{project_id}";
constexpr const char* kProjectArchive = FOCUSD_PROJECTS "/{project_id}/archive";
constexpr const char* kProjectUnarchive = FOCUSD_PROJECTS "/{project_id}/unarchive";
constexpr const char* kProjectRestore = FOCUSD_PROJECTS "/{project_id}/restore";
constexpr const char* kProjectChildren = FOCUSD_PROJECTS "/{project_id}/children";
constexpr const char* kProjectParents = FOCUSD_PROJECTS "/{project_id}/parents";
constexpr const char* kProjectPinned = FOCUSD_PROJECTS "/{project_id}/pinned";
constexpr const char* kProjectMembers = FOCUSD_PROJECTS "/{project_id}/members";
constexpr const char* kProjectRates = FOCUSD_PROJECTS "/{project_id}/rates";
constexpr const char* kProjectCurrentRate = FOCUSD_PROJECTS "/{project_id}/rates/current";
constexpr const char* kProjectAttachments = FOCUSD_PROJECTS "/{project_id}/attachments";
constexpr const char* kProjectAttachmentsBulk = FOCUSD_PROJECTS "/{project_id}/attachments/bulk";
constexpr const char* kProjectAttachment = FOCUSD_PROJECTS "/{project_id}/attachments/{attachment_id}";
constexpr const char* kProjectAttachmentView = FOCUSD_PROJECTS "/{project_id}/attachments/{attachment_id}/view";
#undef FOCUSD_PROJECTS
#define FOCUSD_TASKS "/api/organizations/{organization_id}/workspaces/{workspace_id}/tasks"
constexpr const char* kTasks = FOCUSD_TASKS;
constexpr const char* kTasksStream = FOCUSD_TASKS "/stream";
constexpr const char* kTask = FOCUSD_TASKS "/{task_id}";
constexpr const char* kTaskRestore = FOCUSD_TASKS "/{task_id}/restore";
constexpr const char* kTaskArchive = FOCUSD_TASKS "/{task_id}/archive";
constexpr const char* kTaskUnarchive = FOCUSD_TASKS "/{task_id}/unarchive";
constexpr const char* kTaskTimeEntries = FOCUSD_TASKS "/{task_id}/time-entries";
// The deprecated entry routes under a task (tag time-entries-deprecated): the same handlers.
constexpr const char* kTaskTimeEntry = FOCUSD_TASKS "/{task_id}/time-entries/{time_entry_id}";
constexpr const char* kTaskTimeEntryArchive = FOCUSD_TASKS "/{task_id}/time-entries/{time_entry_id}/archive";
constexpr const char* kTaskTimeEntryUnarchive = FOCUSD_TASKS "/{task_id}/time-entries/{time_entry_id}/unarchive";
constexpr const char* kTaskTimeEntryRestore = FOCUSD_TASKS "/{task_id}/time-entries/{time_entry_id}/restore";
constexpr const char* kTaskAttachments = FOCUSD_TASKS "/{task_id}/attachments";
constexpr const char* kTaskAttachmentsBulk = FOCUSD_TASKS "/{task_id}/attachments/bulk";
constexpr const char* kTaskAttachment = FOCUSD_TASKS "/{task_id}/attachments/{attachment_id}";
constexpr const char* kTaskAttachmentView = FOCUSD_TASKS "/{task_id}/attachments/{attachment_id}/view";
#undef FOCUSD_TASKS
#define FOCUSD_WORKSPACE "/api/organizations/{organization_id}/workspaces/{workspace_id}"
constexpr const char* kTrackingCurrent = FOCUSD_WORKSPACE "/tracking/current";
constexpr const char* kTrackingStart = FOCUSD_WORKSPACE "/tracking/start";
constexpr const char* kTrackingStop = FOCUSD_WORKSPACE "/tracking/stop";
constexpr const char* kTrackingStartFromDescription = FOCUSD_WORKSPACE "/tracking/start-from-description";
constexpr const char* kTimeEntries = FOCUSD_WORKSPACE "/time-entries";
constexpr const char* kTimeEntriesStream = FOCUSD_WORKSPACE "/time-entries/stream";
constexpr const char* kTimeEntriesBatch = FOCUSD_WORKSPACE "/time-entries/batch";
constexpr const char* kTimeEntriesBulk = FOCUSD_WORKSPACE "/time-entries/bulk";
constexpr const char* kTimeEntriesBulkRestore = FOCUSD_WORKSPACE "/time-entries/bulk/restore";
constexpr const char* kTimeEntriesBulkEdit = FOCUSD_WORKSPACE "/time-entries/bulk-edit";
constexpr const char* kTimeEntriesDayDuration = FOCUSD_WORKSPACE "/time-entries/day-duration";
constexpr const char* kTimeEntriesDayDurationBulk = FOCUSD_WORKSPACE "/time-entries/day-duration/bulk";
constexpr const char* kTimeEntriesTimeBlockIds = FOCUSD_WORKSPACE "/time-entries/time-block-ids/stream";
constexpr const char* kTimeEntry = FOCUSD_WORKSPACE "/time-entries/{time_entry_id}";
constexpr const char* kTimeEntryArchive = FOCUSD_WORKSPACE "/time-entries/{time_entry_id}/archive";
constexpr const char* kTimeEntryUnarchive = FOCUSD_WORKSPACE "/time-entries/{time_entry_id}/unarchive";
constexpr const char* kTimeEntryRestore = FOCUSD_WORKSPACE "/time-entries/{time_entry_id}/restore";
constexpr const char* kTimeEntryLog = FOCUSD_WORKSPACE "/time-entries/{time_entry_id}/log";
#undef FOCUSD_WORKSPACE
// The deprecated tracking routes (tag tracking-deprecated): the same handlers.
#define FOCUSD_LEGACY "/api/{organization_id}/workspaces/{workspace_id}/tracking"
constexpr const char* kLegacyTrackingCurrent = FOCUSD_LEGACY "/current";
constexpr const char* kLegacyTrackingStart = FOCUSD_LEGACY "/start";
constexpr const char* kLegacyTrackingStop = FOCUSD_LEGACY "/stop";
#undef FOCUSD_LEGACY
}  // namespace

std::vector<Route> route_table() {
  using http::verb;
  using enum BodyKind;
  using enum Access;
  namespace h = handlers;
  return {
      {verb::get, "/healthz", h::healthz, None, Public},
      {verb::get, "/readyz", h::readyz, None, Public},
      {verb::get, "/metrics", h::prometheus_metrics, None, Public},
      {verb::get, "/api/version", h::version, None, Public},
      {verb::get, "/api/openapi.json", h::openapi, None, Public},
      {verb::get, "/api/users/me/settings", h::get_user_settings, None, Authenticated},
      {verb::patch, "/api/users/me/settings", h::patch_user_settings, Json, Authenticated},
      {verb::get, "/api/organizations/{organization_id}/workspaces", h::list_workspaces, None, Authenticated},
      {verb::get, "/api/organizations/{organization_id}/users", h::list_organization_users, None, Authenticated},

      {verb::get, "/api/workspaces/{workspace_id}/clients", h::list_clients, None, Authenticated},
      {verb::post, "/api/workspaces/{workspace_id}/clients", h::create_client, Json, Authenticated},
      {verb::get, "/api/workspaces/{workspace_id}/clients/{client_id}", h::get_client, None, Authenticated},
      {verb::put, "/api/workspaces/{workspace_id}/clients/{client_id}", h::update_client, Json, Authenticated},
      {verb::delete_, "/api/workspaces/{workspace_id}/clients/{client_id}", h::delete_client, None, Authenticated},
      {verb::patch, "/api/workspaces/{workspace_id}/clients/{client_id}/restore", h::restore_client, None,
       Authenticated},
      {verb::get, "/api/workspaces/{workspace_id}/tags", h::list_tags, None, Authenticated},
      {verb::post, "/api/workspaces/{workspace_id}/tags", h::create_tag, Json, Authenticated},
      {verb::get, "/api/workspaces/{workspace_id}/tags/{tag_id}", h::get_tag, None, Authenticated},
      {verb::put, "/api/workspaces/{workspace_id}/tags/{tag_id}", h::update_tag, Json, Authenticated},
      {verb::delete_, "/api/workspaces/{workspace_id}/tags/{tag_id}", h::delete_tag, None, Authenticated},
      {verb::patch, "/api/workspaces/{workspace_id}/tags/{tag_id}/restore", h::restore_tag, None, Authenticated},

      {verb::get, kProjects, h::list_projects, None, Authenticated},
      {verb::post, kProjects, h::create_project, Json, Authenticated},
      {verb::get, kProject, h::get_project, None, Authenticated},
      {verb::put, kProject, h::replace_project, Json, Authenticated},
      {verb::patch, kProject, h::patch_project, Json, Authenticated},
      {verb::delete_, kProject, h::delete_project, None, Authenticated},
      {verb::patch, kProjectArchive, h::archive_project, None, Authenticated},
      {verb::patch, kProjectUnarchive, h::unarchive_project, None, Authenticated},
      {verb::patch, kProjectRestore, h::restore_project, None, Authenticated},
      {verb::get, kProjectChildren, h::project_children, None, Authenticated},
      {verb::get, kProjectParents, h::project_parents, None, Authenticated},
      {verb::post, kProjectPinned, h::pin_project, None, Authenticated},
      {verb::delete_, kProjectPinned, h::unpin_project, None, Authenticated},
      {verb::get, kProjectMembers, h::list_project_members, None, Authenticated},
      {verb::post, kProjectMembers, h::add_project_members, Json, Authenticated},
      {verb::put, kProjectMembers, h::update_project_member, Json, Authenticated},
      {verb::delete_, kProjectMembers, h::remove_project_member, Json, Authenticated},
      {verb::get, kProjectRates, h::list_project_rates, None, Authenticated},
      {verb::post, kProjectRates, h::create_project_rate, Json, Authenticated},
      {verb::delete_, kProjectRates, h::delete_project_rates, None, Authenticated},
      {verb::get, kProjectCurrentRate, h::current_project_rate, None, Authenticated},

      {verb::get, kTasks, h::list_tasks, None, Authenticated},
      {verb::get, kTasksStream, h::stream_tasks, None, Authenticated},
      {verb::post, kTasks, h::create_task, Json, Authenticated},
      {verb::get, kTask, h::get_task, None, Authenticated},
      {verb::put, kTask, h::replace_task, Json, Authenticated},
      {verb::patch, kTask, h::patch_task, Json, Authenticated},
      {verb::delete_, kTask, h::delete_task, None, Authenticated},
      {verb::patch, kTaskRestore, h::restore_task, None, Authenticated},
      {verb::post, kTaskArchive, h::archive_task, None, Authenticated},
      {verb::post, kTaskUnarchive, h::unarchive_task, None, Authenticated},

      {verb::get, kTrackingCurrent, h::current_time_entry, None, Authenticated},
      {verb::post, kTrackingStart, h::start_tracking, Json, Authenticated},
      {verb::post, kTrackingStop, h::stop_tracking, Json, Authenticated},
      {verb::post, kTrackingStartFromDescription, h::start_tracking_from_description, Json, Authenticated},
      {verb::get, kTimeEntries, h::list_time_entries, None, Authenticated},
      {verb::get, kTimeEntriesStream, h::stream_time_entries, None, Authenticated},
      {verb::get, kTimeEntry, h::get_time_entry, None, Authenticated},
      {verb::get, kTaskTimeEntries, h::list_task_time_entries, None, Authenticated},
      {verb::post, kTaskTimeEntries, h::create_task_time_entry, Json, Authenticated},
      {verb::post, kTimeEntries, h::create_time_entry, Json, Authenticated},
      {verb::put, kTimeEntry, h::replace_time_entry, Json, Authenticated},
      {verb::patch, kTimeEntry, h::patch_time_entry, Json, Authenticated},
      {verb::delete_, kTimeEntry, h::delete_time_entry, None, Authenticated},
      {verb::post, kTimeEntryArchive, h::archive_time_entry, None, Authenticated},
      {verb::post, kTimeEntryUnarchive, h::unarchive_time_entry, None, Authenticated},
      {verb::patch, kTimeEntryRestore, h::restore_time_entry, None, Authenticated},
      {verb::get, kTimeEntriesBatch, h::batch_time_entries, None, Authenticated},
      {verb::post, kTimeEntriesBulk, h::bulk_create_time_entries, Json, Authenticated},
      {verb::patch, kTimeEntriesBulk, h::bulk_patch_time_entries, Json, Authenticated},
      {verb::delete_, kTimeEntriesBulk, h::bulk_delete_time_entries, None, Authenticated},
      {verb::patch, kTimeEntriesBulkRestore, h::bulk_restore_time_entries, None, Authenticated},
      {verb::patch, kTimeEntriesBulkEdit, h::bulk_edit_time_entries, Json, Authenticated},
      {verb::put, kTimeEntriesDayDuration, h::set_day_duration, Json, Authenticated},
      {verb::put, kTimeEntriesDayDurationBulk, h::bulk_set_day_duration, Json, Authenticated},
      {verb::get, kTimeEntriesTimeBlockIds, h::stream_time_block_ids, None, Authenticated},
      {verb::post, kTimeEntryLog, h::log_planned_time, None, Authenticated},
      {verb::get, kTaskTimeEntry, h::get_time_entry, None, Authenticated},
      {verb::put, kTaskTimeEntry, h::replace_time_entry, Json, Authenticated},
      {verb::patch, kTaskTimeEntry, h::patch_time_entry, Json, Authenticated},
      {verb::delete_, kTaskTimeEntry, h::delete_time_entry, None, Authenticated},
      {verb::post, kTaskTimeEntryArchive, h::archive_time_entry, None, Authenticated},
      {verb::post, kTaskTimeEntryUnarchive, h::unarchive_time_entry, None, Authenticated},
      {verb::patch, kTaskTimeEntryRestore, h::restore_time_entry, None, Authenticated},
      {verb::get, kLegacyTrackingCurrent, h::current_time_entry, None, Authenticated},
      {verb::post, kLegacyTrackingStart, h::start_tracking, Json, Authenticated},
      {verb::post, kLegacyTrackingStop, h::stop_tracking, Json, Authenticated},

      {verb::get, kProjectAttachments, h::list_project_attachments, None, Authenticated},
      {verb::post, kProjectAttachments, h::create_project_attachment, Upload, Authenticated},
      {verb::post, kProjectAttachmentsBulk, h::bulk_create_project_attachments, Upload, Authenticated},
      {verb::put, kProjectAttachment, h::update_project_attachment, Json, Authenticated},
      {verb::delete_, kProjectAttachment, h::delete_project_attachment, None, Authenticated},
      {verb::get, kProjectAttachmentView, h::view_project_attachment, None, Authenticated},
      {verb::get, kTaskAttachments, h::list_task_attachments, None, Authenticated},
      {verb::post, kTaskAttachments, h::create_task_attachment, Upload, Authenticated},
      {verb::post, kTaskAttachmentsBulk, h::bulk_create_task_attachments, Upload, Authenticated},
      {verb::put, kTaskAttachment, h::update_task_attachment, Json, Authenticated},
      {verb::delete_, kTaskAttachment, h::delete_task_attachment, None, Authenticated},
      {verb::get, kTaskAttachmentView, h::view_task_attachment, None, Authenticated},
      {verb::get, "/api/organizations/{organization_id}/workspaces/{workspace_id}/attachments/storage",
       h::attachment_storage, None, Authenticated},

      {verb::get, "/api/organizations/{organization_id}/roles", h::list_roles, None, Authenticated},
      {verb::post, "/api/organizations/{organization_id}/groups", h::create_group, Json, Authenticated},
      {verb::get, "/api/organizations/{organization_id}/groups/me", h::my_groups, None, Authenticated},
      {verb::put, "/api/organizations/{organization_id}/groups/{group_id}", h::update_group, Json, Authenticated},
      {verb::delete_, "/api/organizations/{organization_id}/groups/{group_id}", h::delete_group, None, Authenticated},
  };
}

}  // namespace focusd::api
