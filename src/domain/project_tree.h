#pragma once
// The project tree (CONTRACT.md "Sub-projects"): no project is its own
// ancestor, and no path from a root down to a leaf is longer than
// kMaxProjectDepth levels. Deleted projects count: restore brings them back
// where they were. Every write that hangs a project with its subtree somewhere
// (create or move by parent_project_id, restore) asks check_placement, through
// Store::TreeRule.

#include "common/result.h"
#include "store/records.h"

namespace focusd::domain {

inline constexpr int kMaxProjectDepth = 10;

// OK when the project, with everything below it, may hang where `placement`
// says. InvalidArgument naming parent_project_id for a cycle or for a tree
// deeper than kMaxProjectDepth levels.
Status check_placement(const TreePlacement& placement);

}  // namespace focusd::domain
