#pragma once
// The Store interface: every read and write focusd makes to its database.
// Implementations (sqlite/, later postgres/) are thread-safe and blocking;
// callers on network threads run them through a blocking pool (api/offload.h).
//
// Conventions: NotFound means "no such row visible to this call"; Conflict means
// a uniqueness rule was broken; Internal means the database failed (its text is
// in Error::detail, for the log only).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace focusd {

enum class OrgRole { Owner, Admin, Member };
const char* to_string(OrgRole role);
std::optional<OrgRole> parse_org_role(std::string_view text);

struct UserRecord {
  std::int64_t id = 0;
  std::string email;
  std::string fullname;
  std::string password_hash;  // Argon2id string from crypto_pwhash_str
  std::string created_at;
};

struct NewUser {
  std::string email;
  std::string fullname;
  std::string password_hash;
  // Join this organization with `role`; when absent a new organization with one
  // workspace is created and the user owns it.
  std::optional<std::int64_t> organization_id;
  OrgRole role = OrgRole::Member;
};

struct CreatedUser {
  std::int64_t user_id = 0;
  std::int64_t organization_id = 0;
  std::int64_t workspace_id = 0;  // the organization's first workspace
};

struct WorkspaceRecord {
  std::int64_t id = 0;
  std::int64_t organization_id = 0;
  std::string name;
  std::string created_at;
};

struct Membership {
  std::int64_t organization_id = 0;
  OrgRole role = OrgRole::Member;
};

class Store {
 public:
  virtual ~Store() = default;

  // OK when the database answers a trivial query.
  virtual Status ping() = 0;
  virtual Result<bool> has_users() = 0;

  // Conflict when the email is taken (case-insensitively); NotFound when
  // new_user.organization_id names no organization.
  virtual Result<CreatedUser> create_user(const NewUser& new_user) = 0;
  // Email match is case-insensitive.
  virtual Result<UserRecord> find_user_by_email(std::string_view email) = 0;
  virtual Result<UserRecord> find_user(std::int64_t user_id) = 0;
  // The user owning the API key with this SHA-256 digest, if the key is neither
  // revoked nor expired at `now` (RFC 3339).
  virtual Result<UserRecord> find_user_by_api_key(std::string_view key_digest, std::string_view now) = 0;
  // Stores a new key digest for the user and revokes every other key of theirs.
  virtual Status create_api_key(std::int64_t user_id, std::string_view key_digest,
                                std::optional<std::string> expires_at) = 0;

  // NotFound when the organization does not exist.
  virtual Result<std::int64_t> create_workspace(std::int64_t organization_id, std::string_view name) = 0;
  // The organizations the user belongs to, oldest membership first.
  virtual Result<std::vector<Membership>> memberships(std::int64_t user_id) = 0;
  // NotFound when the user is not a member of the organization (or it does not exist).
  virtual Result<std::vector<WorkspaceRecord>> list_workspaces(std::int64_t user_id, std::int64_t organization_id) = 0;
  // True when the workspace exists and its organization has the user as a member.
  virtual Result<bool> can_access_workspace(std::int64_t user_id, std::int64_t workspace_id) = 0;

  // The user's settings document (a JSON object as text; "{}" when never set).
  virtual Result<std::string> user_settings(std::int64_t user_id) = 0;
  // Atomically replaces the settings with mutate(current). Whatever error mutate
  // returns is returned and nothing is written.
  using SettingsMutation = std::function<Result<std::string>(const std::string& current)>;
  virtual Result<std::string> update_user_settings(std::int64_t user_id, const SettingsMutation& mutate) = 0;
};

}  // namespace focusd
