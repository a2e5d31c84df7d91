#include "domain/project_tree.h"

#include <algorithm>
#include <string>

namespace focusd::domain {

Status check_placement(const TreePlacement& placement) {
  const auto& above = placement.ancestors;
  if (placement.project_id != 0 && std::find(above.begin(), above.end(), placement.project_id) != above.end()) {
    return invalid("parent_project_id",
                   above.front() == placement.project_id ? "a project cannot be its own parent" : "would make a cycle");
  }
  const auto depth = static_cast<std::int64_t>(above.size()) + 1 + placement.height;
  if (depth > kMaxProjectDepth) {
    return invalid("parent_project_id", "the project tree would be deeper than " + std::to_string(kMaxProjectDepth) +
                                            " levels (deleted sub-projects count: restore brings them back)");
  }
  return Ok{};
}

}  // namespace focusd::domain
