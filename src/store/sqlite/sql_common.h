#pragma once
// SQL pieces shared by the project and task queries.

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>
#include <cstdint>
#include <string>
#include <vector>

namespace focusd::sqlite {

// A JSON array of ids, bound as one parameter and read with json_each().
inline std::string json_ids(const std::vector<std::int64_t>& ids) {
  boost::json::array array;
  for (auto id : ids) array.push_back(id);
  return boost::json::serialize(array);
}

// The viewer's role per project (direct or through a group; manager wins) as
// the CTE `my_roles(project_id, rank)`: rank 2 = manager, 1 = member. ?1 = user.
inline constexpr const char* kMyRoles =
    "WITH my_roles(project_id, rank) AS ("
    " SELECT project_id, MAX(rank) FROM ("
    "  SELECT project_id, CASE role WHEN 'manager' THEN 2 ELSE 1 END AS rank FROM project_users WHERE user_id = ?1"
    "  UNION ALL"
    "  SELECT pg.project_id, CASE pg.role WHEN 'manager' THEN 2 ELSE 1 END FROM project_groups pg"
    "  JOIN group_users gu ON gu.group_id = pg.group_id WHERE gu.user_id = ?1)"
    " GROUP BY project_id) ";

}  // namespace focusd::sqlite
