// POST …/tracking/start-from-description: a browser extension's flow, which
// finds (or creates) the task a description names, then starts the timer on it.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include "api/handlers.h"
#include "api/handlers_common.h"
#include "api/json_util.h"
#include "api/task_json.h"
#include "api/time_entry_views.h"
#include "common/strings.h"
#include "common/time.h"
#include "domain/project_tree.h"
#include "domain/time_entries.h"
#include "domain/user_settings.h"

namespace focusd::api::handlers {

namespace {

// start-from-description's lookups: the caller's live items whose name is
// `name` (case-insensitively), found through each list's name filter.
Result<std::optional<ProjectRecord>> project_named(Store& s, const WorkspaceAccess& access, const std::string& name) {
  ProjectQuery q;
  q.workspace_id = access.workspace_id;
  q.viewer = domain::viewer_of(access);
  q.name = name;
  for (q.page = Page{1, 200};; ++q.page.page) {
    auto list = s.list_projects(q);
    if (!list) return list.error();
    for (auto& p : list->items) {
      if (iequals(p.fields.name, name)) return std::optional<ProjectRecord>(std::move(p));
    }
    if (static_cast<std::int64_t>(list->items.size()) < q.page.per_page) return std::optional<ProjectRecord>{};
  }
}

Result<std::optional<CatalogItem>> tag_named(Store& s, std::int64_t workspace_id, const std::string& name) {
  CatalogQuery q;
  q.catalog = Catalog::Tags;
  q.workspace_id = workspace_id;
  q.name = name;
  for (q.page = Page{1, 200};; ++q.page.page) {
    auto list = s.list_catalog_items(q);
    if (!list) return list.error();
    for (auto& tag : list->items) {
      if (iequals(tag.name, name)) return std::optional<CatalogItem>(std::move(tag));
    }
    if (static_cast<std::int64_t>(list->items.size()) < q.page.per_page) return std::optional<CatalogItem>{};
  }
}

// A task named `name`; with `in_project`, of that project only (nullopt: of
// none); carrying every tag of `tag_ids`.
Result<std::optional<TaskRecord>> task_named(Store& s, const WorkspaceAccess& access, const std::string& name,
                                             const std::optional<std::optional<std::int64_t>>& in_project,
                                             const std::vector<std::int64_t>& tag_ids) {
  TaskQuery q;
  q.workspace_id = access.workspace_id;
  q.viewer = domain::viewer_of(access);
  q.name = name;
  q.count_total = false;
  if (in_project && *in_project) q.project_ids = {**in_project};
  if (in_project && !*in_project) q.without_project = true;
  for (q.page = Page{1, 200};; ++q.page.page) {
    auto list = s.list_tasks(q);
    if (!list) return list.error();
    for (auto& t : list->items) {
      const auto& has = t.fields.tag_ids;
      const bool tagged = std::all_of(tag_ids.begin(), tag_ids.end(), [&](std::int64_t id) {
        return std::find(has.begin(), has.end(), id) != has.end();
      });
      if (iequals(t.fields.name, name) && tagged) return std::optional<TaskRecord>(std::move(t));
    }
    if (static_cast<std::int64_t>(list->items.size()) < q.page.per_page) return std::optional<TaskRecord>{};
  }
}

// Resolves the project, the tags and the task of a start-from-description
// (creating what it may), then starts the timer on the task:
// extensiontracking.StartFromDescriptionResult.
Result<boost::json::object> start_described(Store& s, const WorkspaceAccess& access, domain::StartFromDescription& in) {
  const Viewer viewer = domain::viewer_of(access);
  auto running = s.running_time_entry(access.workspace_id, viewer);
  if (running) {
    return make_error(ErrorCode::Conflict, "cannot track multiple time entries at the same time: stop the running one");
  }
  if (running.error().code != ErrorCode::NotFound) return running.error();

  boost::json::object result{{"resolution_strategy", in.strategy},
                             {"project_created", false},
                             {"project_resolved", false},
                             {"task_created", false}};
  std::optional<std::int64_t> project_id;
  if (in.project_name) {
    auto found = project_named(s, access, *in.project_name);
    if (!found) return found.error();
    if (!*found && in.create_project) {
      ProjectFields fields;
      fields.name = *in.project_name;
      auto created = s.create_project(access.workspace_id, viewer, fields, false, domain::check_placement);
      if (!created) return created.error();
      *found = std::move(*created);
      result["project_created"] = true;
    }
    if (*found) project_id = (*found)->id;
    result["project_resolved"] = project_id.has_value();
  }
  std::vector<std::int64_t> tag_ids;
  boost::json::array tags_created, tags_not_found;
  for (const auto& name : in.tag_names) {
    auto tag = tag_named(s, access.workspace_id, name);
    if (!tag) return tag.error();
    if (!*tag && in.create_tags) {
      auto created = s.create_catalog_item(Catalog::Tags, access.workspace_id, viewer.user_id, name, std::nullopt);
      if (!created) return created.error();
      *tag = std::move(*created);
      tags_created.emplace_back(name);
    }
    if (*tag) {
      tag_ids.push_back((*tag)->id);
    } else {
      tags_not_found.emplace_back(name);
    }
  }
  result["tags_created"] = std::move(tags_created);
  result["tags_not_found"] = tags_not_found;

  // name: any project; name_project: the project named (or none); name_project_tags: and every tag.
  std::optional<TaskRecord> task;
  const bool by_project = in.strategy != "name";
  const bool by_tags = in.strategy == "name_project_tags";
  if (!(by_project && in.project_name && !project_id) && !(by_tags && !tags_not_found.empty())) {
    std::optional<std::optional<std::int64_t>> in_project;  // unset: any project
    if (by_project) in_project = project_id;
    auto found = task_named(s, access, in.name, in_project, by_tags ? tag_ids : std::vector<std::int64_t>{});
    if (!found) return found.error();
    task = std::move(*found);
  }
  result["match_reason"] = task ? in.strategy : "created";
  if (!task) {
    if (!in.create_task) {
      return make_error(ErrorCode::NotFound,
                        "no task matches (" + in.strategy + "); send create_task_if_not_found: true to create it");
    }
    in.new_task.project_id = project_id;
    in.new_task.tag_ids = tag_ids;
    auto created = s.create_task(access.workspace_id, viewer, in.new_task, false);
    if (!created) return created.error();
    task = std::move(*created);
    result["task_created"] = true;
  }
  auto settings = s.user_settings(viewer.user_id);
  if (!settings) return settings.error();
  in.timer.task_id = task->id;
  in.timer.timezone = domain::timezone_setting(*settings);
  auto started = s.start_time_entry(access.workspace_id, viewer, in.timer, domain::check_stop_by_start);
  if (!started) return started.error();
  result["task"] = task_json(*task, access);
  result["time_entry"] = entry_json(*started);
  return result;
}

}  // namespace

// POST …/tracking/start-from-description: 200 with what was found, made and started.
awaitable<Result<Reply>> start_tracking_from_description(Call& call) {
  FOCUSD_CO_TRY(body, parse_json_object(call.request.body()));
  FOCUSD_CO_TRY(in, domain::read_start_from_description(body, now_rfc3339()));
  FOCUSD_CO_TRY(result, co_await in_store_write(call, [&](Store& s) -> Result<boost::json::object> {
                  auto access = workspace_access_in(call, s);
                  if (!access) return access.error();
                  return start_described(s, *access, in);
                }));
  co_return json_response(http::status::ok, result);
}

}  // namespace focusd::api::handlers
