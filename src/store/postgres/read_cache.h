#pragma once
// What a node remembers of the projects it read, beside the workspace epoch
// each read was made at (migration 2, store/postgres/migrations.cpp). A read
// that finds its key asks the database for the workspace's epoch alone (one
// primary-key range over its few rows of cache_epochs, against about a dozen
// tables for the read itself) and answers from memory when the epoch has not moved: any
// committed change to what the read returns, by this node or another, has
// moved it. So what is remembered is never served stale, on one node or
// several, and a read that cannot reach the database fails as before.
//
// Bounded: at most `capacity` entries, in 16 shards each with its own mutex;
// a full shard is emptied before it takes a new entry.

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "store/store.h"

namespace focusd::postgres {

class ProjectReadCache {
 public:
  // What one find_project_with_access was asked.
  struct Key {
    std::int64_t user_id = 0;
    std::int64_t workspace_id = 0;
    std::optional<std::int64_t> organization_id;
    std::int64_t project_id = 0;
    bool include_deleted = false;
    bool operator==(const Key&) const = default;
  };
  struct Entry {
    std::int64_t epoch = 0;
    ProjectWithAccess found;
  };

  // capacity 0: nothing is remembered.
  explicit ProjectReadCache(std::size_t capacity);

  bool enabled() const { return per_shard_ > 0; }
  // Shared, so that a shard's lock is held for a pointer's copy only.
  std::shared_ptr<const Entry> find(const Key& key) const;
  void remember(const Key& key, Entry entry);

 private:
  struct Hash {
    std::size_t operator()(const Key& k) const;
  };
  struct Shard {
    mutable std::mutex mutex;
    std::unordered_map<Key, std::shared_ptr<const Entry>, Hash> entries;
  };
  static constexpr std::size_t kShards = 16;
  Shard& shard_of(const Key& key) const;

  std::size_t per_shard_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace focusd::postgres
