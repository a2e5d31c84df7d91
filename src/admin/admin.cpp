#include "admin/admin.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <chrono>
#include <functional>
#include <iterator>
#include <span>

#include "auth/credentials.h"
#include "auth/crypto.h"
#include "blob/sha256.h"
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
  // One sweep at a time on a shared database: two at once would list the
  // whole store twice and race to remove the same orphans.
  std::unique_ptr<Held> sweeping;
  if (repair) {
    auto held = store.hold_sweep();
    if (!held) return held.error();
    sweeping = std::move(*held);
  }
  // The rows first: every blob a row read here refers to was stored before
  // its row was committed, so a listing made after finds it (on a shared
  // store that nodes keep writing meanwhile too).
  auto live = store.live_blob_names();
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
    for (const auto& name : orphans) {
      if (auto removed = blobs.remove(name); !removed) return removed.error();
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

namespace {

constexpr std::size_t kCopyPiece = std::size_t{1} << 20;

// Reads `source` to its end in pieces, handing each to `take`.
Status read_all(ByteSource source, const std::function<Status(std::string_view)>& take) {
  ByteSource stream = as_stream(std::move(source));
  ByteStream& bytes = *std::get<std::unique_ptr<ByteStream>>(stream.bytes);
  std::string buffer(kCopyPiece, '\0');
  std::uint64_t left = stream.length.value_or(0);
  while (left > 0) {
    auto n = bytes.read(std::span<char>(buffer.data(), std::min<std::uint64_t>(left, buffer.size())));
    if (!n) return n.error();
    if (*n == 0) return internal_error("a blob ended " + std::to_string(left) + " bytes early");
    if (auto taken = take(std::string_view(buffer.data(), *n)); !taken) return taken;
    left -= *n;
  }
  return Ok{};
}

// Whether `store` holds `digest` with exactly those bytes (read back whole).
Result<bool> holds(blob::BlobStore& store, const std::string& digest) {
  auto source = store.open(digest, {});
  if (!source) {
    if (source.error().code == ErrorCode::NotFound) return false;
    return source.error();
  }
  blob::Sha256 hash;
  auto read = read_all(std::move(*source), [&](std::string_view piece) {
    hash.update(piece);
    return Status(Ok{});
  });
  if (!read) return read.error();
  return hash.hex() == digest;
}

}  // namespace

Result<boost::json::object> migrate_blobs(Store& store, blob::BlobStore& from, blob::BlobStore& to) {
  auto live = store.live_blob_names();
  if (!live) return live.error();
  std::sort(live->begin(), live->end());
  live->erase(std::unique(live->begin(), live->end()), live->end());
  if (auto prepared = to.prepare(); !prepared) return prepared.error();
  std::size_t copied = 0, already_there = 0;
  std::uint64_t bytes_copied = 0;
  boost::json::array missing, mismatched;
  for (const auto& digest : *live) {
    if (!blob::is_digest(digest)) {  // a name of its own: stored by the S3 store, so in the bucket already
      ++already_there;
      continue;
    }
    auto there = holds(to, digest);
    if (!there) return there.error();
    if (*there) {
      ++already_there;
      continue;
    }
    auto source = from.open(digest, {});
    if (!source) {
      if (source.error().code != ErrorCode::NotFound) return source.error();
      missing.emplace_back(digest);
      continue;
    }
    auto staging = to.stage();
    if (!staging) return staging.error();
    auto written = read_all(std::move(*source), [&](std::string_view piece) { return (*staging)->write(piece); });
    if (!written) return written.error();
    auto info = (*staging)->finish();
    if (!info) return info.error();
    if (info->sha256 != digest) {  // the file under --data is not what its name says: never copied
      mismatched.emplace_back(digest);
      continue;
    }
    if (auto published = (*staging)->publish(); !published) return published.error();
    auto checked = holds(to, digest);
    if (!checked) return checked.error();
    if (!*checked) {
      mismatched.emplace_back(digest);
      continue;
    }
    ++copied;
    bytes_copied += info->size;
  }
  const bool complete = missing.empty() && mismatched.empty();
  return boost::json::object{{"blobs", live->size()},        {"copied", copied},   {"already_there", already_there},
                             {"bytes_copied", bytes_copied}, {"missing", missing}, {"mismatched", mismatched},
                             {"complete", complete}};
}

}  // namespace focusd::admin
