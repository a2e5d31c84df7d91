#pragma once
// SQL pieces the same on both backends but for how a parameter is written
// (`?1` on SQLite, `$1` on PostgreSQL): the viewer's role on a project, and
// the tables that link projects and tasks to their tags and pins.

#include <cstdint>
#include <string>
#include <string_view>

#include "store/records.h"
#include "store/sql_order.h"

namespace focusd::sql {

// The viewer's role on one project, direct or through a group (manager wins):
// 2 = manager, 1 = member, NULL = none. `viewer` is the parameter holding the
// viewer's id ("?1", "$1"); `project_id` the SQL expression of the project's
// id. A correlated lookup by primary key, so its cost does not grow with the
// number of projects the viewer belongs to.
inline std::string my_rank(std::string_view project_id, std::string_view viewer) {
  const std::string id(project_id);
  const std::string user(viewer);
  return "(SELECT MAX(CASE role WHEN 'manager' THEN 2 ELSE 1 END) FROM ("
         " SELECT role FROM project_users WHERE project_id = " +
         id + " AND user_id = " + user +
         " UNION ALL"
         " SELECT pg.role FROM project_groups pg JOIN group_users gu ON gu.group_id = pg.group_id"
         " WHERE pg.project_id = " +
         id + " AND gu.user_id = " + user + ") AS roles)";
}

// The role that my_rank() reads as: 2 manager, 1 member, else none.
inline ProjectRole role_of_rank(std::int64_t rank) {
  return rank == 2 ? ProjectRole::Manager : rank == 1 ? ProjectRole::Member : ProjectRole::None;
}

// The tables that link projects and tasks to their tags and pins.
struct LinkTables {
  const char* owner_column;  // "project_id" | "task_id"
  const char* tags_table;    // "project_tags" | "task_tags"
  const char* pins_table;    // "project_pins" | "task_pins"
};
inline constexpr LinkTables kProjectLinks{"project_id", "project_tags", "project_pins"};
inline constexpr LinkTables kTaskLinks{"task_id", "task_tags", "task_pins"};

// The task list's order_by fields over `tasks t`, given the backend's own
// expressions for the folded name, the caller's pin and the sorted tag ids.
// The fields of what focusd has not (statuses, priority times, assignees, time
// blocks, grouping) are the same for every task, a typed NULL (a bare
// constant is no key to PostgreSQL), so ties go on to the next key.
inline OrderColumns task_order_columns(std::string_view folded_name, std::string_view pinned,
                                       std::string_view tag_ids) {
  OrderColumns columns = {{"name", folded_name},
                          {"project_id", "t.project_id"},
                          {"parent_task_id", "t.parent_task_id"},
                          {"estimated_mins", "t.estimated_mins"},
                          {"priority",
                           "CASE t.priority WHEN 'none' THEN 0 WHEN 'low' THEN 1"
                           " WHEN 'medium' THEN 2 ELSE 3 END"},
                          {"start_date", "t.start_date"},
                          {"end_date", "t.end_date"},
                          {"pinned", pinned},
                          {"created_at", "t.created_at"},
                          {"updated_at", "t.updated_at"},
                          {"position", "t.position"},
                          {"billable", "t.billable"},
                          {"user_id", "t.creator_id"},
                          {"relevance", folded_name},
                          {"last_activity", "t.updated_at"},
                          {"tag_ids", tag_ids}};
  for (std::string_view field :
       {"status_id", "priority_at", "assignees", "timeblock_start", "timeblock_now_diff", "sub_tasks_grouped"}) {
    columns.emplace_back(field, "CAST(NULL AS INTEGER)");
  }
  return columns;
}

// The columns of a tag read with its owner, over `LINKS l JOIN tags t`.
inline constexpr std::string_view kLinkedTagColumns =
    "t.id, t.workspace_id, t.name, t.color, t.creator_id, t.created_at, t.updated_at";

}  // namespace focusd::sql
