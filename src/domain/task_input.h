#pragma once
// Reads a task request body (POST, PUT, PATCH) into TaskFields: name (1..255
// bytes, trimmed), project_id, parent_task_id, description, estimated_mins
// (>= 0), start_date/end_date (YYYY-MM-DD, end >= start), priority
// (none|low|medium|high), private, billable, position (>= 0), pinned, tag_ids.
// status_id is accepted only as null: focusd has no statuses yet.

#include <boost/json/object.hpp>
#include <optional>

#include "common/result.h"
#include "domain/project_input.h"
#include "store/records.h"

namespace focusd::domain {

struct TaskInput {
  TaskFields fields;
  std::optional<bool> pinned;
};

Result<TaskInput> read_task_input(const boost::json::object& body, WriteMode mode, const TaskFields& current = {});

}  // namespace focusd::domain
