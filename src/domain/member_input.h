#pragma once
// Reads the bodies of project-member and group requests: which users and
// groups, with which project role (role_id, see domain/roles.h), and a
// group's name, emoji, users and workspaces. InvalidArgument names the
// offending field; unknown members are refused.

#include <boost/json/object.hpp>
#include <cstdint>
#include <vector>

#include "common/result.h"
#include "store/records.h"

namespace focusd::domain {

// POST …/members: {user_ids?, group_ids?, role_id}, at least one id.
struct MemberAddition {
  std::vector<std::int64_t> user_ids;
  std::vector<std::int64_t> group_ids;
  bool manager = false;
};
Result<MemberAddition> read_member_addition(const boost::json::object& body);

// PUT …/members: {user_id | group_id, role_id}.
struct MemberRoleChange {
  MemberRef member;
  bool manager = false;
};
Result<MemberRoleChange> read_member_role_change(const boost::json::object& body);

// DELETE …/members: {user_id | group_id}.
Result<MemberRef> read_member_removal(const boost::json::object& body);

// POST and PUT of an organization group: {name, emoji?, organization_users?, workspaces?}.
Result<GroupInput> read_group_input(const boost::json::object& body);

}  // namespace focusd::domain
