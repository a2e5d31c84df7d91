#include "admin/admin.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <chrono>
#include <iterator>

#include "auth/credentials.h"
#include "auth/crypto.h"
#include "common/time.h"

namespace focusd::admin {

namespace {

Status check_email(const std::string& email) {
  const auto at = email.find('@');
  if (email.size() < 3 || email.size() > 254 || at == std::string::npos || at == 0 || at == email.size() - 1) {
    return invalid("email", "must be an email address");
  }
  for (unsigned char c : email) {
    if (c <= ' ' || c == 0x7f) return invalid("email", "must not contain spaces or control characters");
  }
  return Ok{};
}

Status check_text(const std::string& field, const std::string& value, std::size_t min, std::size_t max) {
  if (value.size() < min || value.size() > max) {
    return invalid(field, "must be " + std::to_string(min) + " to " + std::to_string(max) + " bytes long");
  }
  return Ok{};
}

}  // namespace

Result<boost::json::object> create_user(Store& store, const CreateUserArgs& args) {
  if (auto s = check_email(args.email); !s) return s.error();
  if (auto s = check_text("password", args.password, 8, 1024); !s) return s.error();
  if (auto s = check_text("fullname", args.fullname, 0, 255); !s) return s.error();
  auto role = parse_org_role(args.role);
  if (!role) return invalid("role", "must be owner, admin or member");
  auto hash = auth::hash_password(args.password);
  if (!hash) return internal_error("password hashing failed (out of memory?)");

  auto created = store.create_user(NewUser{args.email, args.fullname, *hash, args.organization_id, *role});
  if (!created) return created.error();
  return boost::json::object{{"user_id", created->user_id},
                             {"organization_id", created->organization_id},
                             {"workspace_id", created->workspace_id}};
}

Result<boost::json::object> create_workspace(Store& store, std::int64_t organization_id, const std::string& name) {
  if (auto s = check_text("name", name, 1, 255); !s) return s.error();
  auto id = store.create_workspace(organization_id, name);
  if (!id) return id.error();
  return boost::json::object{{"workspace_id", *id}};
}

Result<boost::json::object> create_api_key(Store& store, const std::string& email, std::optional<int> expires_in_days) {
  auto user = store.find_user_by_email(email);
  if (!user) return user.error();
  std::optional<std::string> expires_at;
  if (expires_in_days) {
    if (*expires_in_days < 1 || *expires_in_days > 3650) return invalid("expires-in-days", "must be 1 to 3650");
    expires_at = to_rfc3339(std::chrono::system_clock::now() + std::chrono::hours(24) * *expires_in_days);
  }
  const std::string key = auth::generate_api_key();
  if (auto s = store.create_api_key(user->id, auth::sha256_hex(key), expires_at); !s) return s.error();
  boost::json::object out{{"api_key", key}, {"user_id", user->id}};
  out["expires_at"] = expires_at ? boost::json::value(*expires_at) : nullptr;
  return out;
}

Result<boost::json::object> add_user_to_group(Store& store, std::int64_t group_id, const std::string& email) {
  if (auto status = store.add_user_to_group(group_id, email); !status) return status.error();
  return boost::json::object{{"group_id", group_id}, {"email", email}};
}

Result<boost::json::object> fsck(Store& store, blob::BlobStore& blobs, bool repair) {
  // The rows first: every blob a row read here refers to was stored before
  // its row was committed, so a listing made after finds it (on a shared
  // store that nodes keep writing meanwhile too).
  auto live = store.live_blob_digests();
  if (!live) return live.error();
  auto stored = blobs.list();
  if (!stored) return stored.error();
  auto recent = blobs.recent();
  if (!recent) return recent.error();
  std::sort(stored->begin(), stored->end());
  std::sort(live->begin(), live->end());
  std::sort(recent->begin(), recent->end());
  std::vector<std::string> unreferenced;
  std::set_difference(stored->begin(), stored->end(), live->begin(), live->end(), std::back_inserter(unreferenced));
  // A recent blob may be another node's upload whose row is not committed yet.
  std::vector<std::string> orphans;
  std::set_difference(unreferenced.begin(), unreferenced.end(), recent->begin(), recent->end(),
                      std::back_inserter(orphans));
  const std::size_t young = unreferenced.size() - orphans.size();
  std::vector<std::string> missing;
  std::set_difference(live->begin(), live->end(), stored->begin(), stored->end(), std::back_inserter(missing));

  std::size_t temps = 0;
  if (repair) {
    for (const auto& digest : orphans) {
      if (auto removed = blobs.remove(digest); !removed) return removed.error();
    }
    auto swept = blobs.sweep_temps();
    if (!swept) return swept.error();
    temps = *swept;
  } else {
    auto counted = blobs.count_temps();
    if (!counted) return counted.error();
    temps = *counted;
  }
  boost::json::array orphan_list(orphans.begin(), orphans.end());
  boost::json::array missing_list(missing.begin(), missing.end());
  const bool consistent = missing.empty() && (repair || (orphans.empty() && temps == 0));
  return boost::json::object{{"consistent", consistent}, {"blobs", stored->size()}, {"orphan_blobs", orphan_list},
                             {"young_blobs", young},     {"temp_files", temps},     {"missing_blobs", missing_list},
                             {"repaired", repair}};
}

}  // namespace focusd::admin
