#pragma once
// A task as the Focus API shows it (models.Task with its aggregates), and the
// models.ProjectLite that tasks and time entries embed.

#include <boost/json/object.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "store/records.h"

namespace focusd::api::handlers {

// models.ProjectLite, with the caller's `permissions` on the project.
boost::json::object project_lite_json(std::int64_t id, const std::string& name, const std::optional<std::string>& color,
                                      bool is_private, ProjectRole role, const WorkspaceAccess& access);

// task.TaskWithParentAndAggregations, its project as project_lite_json.
boost::json::object task_json(const TaskRecord& t, const WorkspaceAccess& access);

}  // namespace focusd::api::handlers
