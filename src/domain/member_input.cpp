#include "domain/member_input.h"

#include <utility>

#include "common/json_read.h"
#include "domain/roles.h"

namespace focusd::domain {

namespace {

constexpr std::size_t kMaxMemberIds = 100;  // per list of one request
constexpr std::size_t kMaxGroupIds = 1000;
constexpr std::size_t kMaxEmojiBytes = 32;

Result<bool> read_role(const boost::json::object& body) {
  const auto* role = body.if_contains("role_id");
  if (!role) return invalid("role_id", "is required");
  auto id = json_read::id(*role, "role_id");
  if (!id) return id.error();
  auto manager = project_role_is_manager(*id);
  if (!manager) return invalid("role_id", "is not a project role (see GET /api/organizations/{id}/roles)");
  return *manager;
}

// {user_id} or {group_id}: exactly one.
Result<MemberRef> read_member_ref(const boost::json::object& body) {
  MemberRef ref;
  for (auto [field, target] : {std::pair{"user_id", &ref.user_id}, std::pair{"group_id", &ref.group_id}}) {
    if (const auto* value = body.if_contains(field); value && !value->is_null()) {
      auto id = json_read::id(*value, field);
      if (!id) return id.error();
      *target = *id;
    }
  }
  if (ref.user_id.has_value() == ref.group_id.has_value()) {
    return invalid("user_id", "give exactly one of user_id and group_id");
  }
  return ref;
}

// The id lists of `body` named by `lists`, each into its target, up to `limit` ids.
Status read_id_lists(const boost::json::object& body,
                     std::initializer_list<std::pair<const char*, std::vector<std::int64_t>*>> lists,
                     std::size_t limit) {
  for (auto [field, target] : lists) {
    if (const auto* list = body.if_contains(field); list && !list->is_null()) {
      auto ids = json_read::ids(*list, field, limit);
      if (!ids) return ids.error();
      *target = std::move(*ids);
    }
  }
  return Ok{};
}

}  // namespace

Result<MemberAddition> read_member_addition(const boost::json::object& body) {
  if (auto known = json_read::only(body, {"user_ids", "group_ids", "role_id"}); !known) return known.error();
  MemberAddition in;
  auto manager = read_role(body);
  if (!manager) return manager.error();
  in.manager = *manager;
  if (auto lists = read_id_lists(body, {{"user_ids", &in.user_ids}, {"group_ids", &in.group_ids}}, kMaxMemberIds);
      !lists) {
    return lists.error();
  }
  if (in.user_ids.empty() && in.group_ids.empty()) return invalid("user_ids", "name at least one user or group");
  return in;
}

Result<MemberRoleChange> read_member_role_change(const boost::json::object& body) {
  if (auto known = json_read::only(body, {"user_id", "group_id", "role_id"}); !known) return known.error();
  auto ref = read_member_ref(body);
  if (!ref) return ref.error();
  auto manager = read_role(body);
  if (!manager) return manager.error();
  return MemberRoleChange{*ref, *manager};
}

Result<MemberRef> read_member_removal(const boost::json::object& body) {
  if (auto known = json_read::only(body, {"user_id", "group_id"}); !known) return known.error();
  return read_member_ref(body);
}

Result<GroupInput> read_group_input(const boost::json::object& body) {
  if (auto known = json_read::only(body, {"name", "emoji", "organization_users", "workspaces"}); !known) {
    return known.error();
  }
  GroupInput in;
  const auto* name = body.if_contains("name");
  if (!name) return invalid("name", "is required");
  auto text = json_read::name(*name, "name");
  if (!text) return text.error();
  in.name = std::move(*text);
  if (const auto* emoji = body.if_contains("emoji"); emoji && !emoji->is_null()) {
    auto value = json_read::text(*emoji, "emoji", kMaxEmojiBytes);
    if (!value) return value.error();
    in.emoji = std::move(*value);
  }
  if (auto lists =
          read_id_lists(body, {{"organization_users", &in.user_ids}, {"workspaces", &in.workspace_ids}}, kMaxGroupIds);
      !lists) {
    return lists.error();
  }
  return in;
}

}  // namespace focusd::domain
