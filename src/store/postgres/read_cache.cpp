#include "store/postgres/read_cache.h"

namespace focusd::postgres {

ProjectReadCache::ProjectReadCache(std::size_t capacity) : per_shard_((capacity + kShards - 1) / kShards) {}

std::size_t ProjectReadCache::Hash::operator()(const Key& k) const {
  std::uint64_t h = 0x9e3779b97f4a7c15ULL;
  auto mix = [&h](std::uint64_t v) { h = (h ^ v) * 0x100000001b3ULL + (h >> 29); };
  mix(static_cast<std::uint64_t>(k.user_id));
  mix(static_cast<std::uint64_t>(k.workspace_id));
  mix(k.organization_id ? static_cast<std::uint64_t>(*k.organization_id) : ~0ULL);
  mix(static_cast<std::uint64_t>(k.project_id));
  mix(k.include_deleted ? 1 : 0);
  return static_cast<std::size_t>(h);
}

ProjectReadCache::Shard& ProjectReadCache::shard_of(const Key& key) const {
  return shards_[static_cast<std::size_t>(key.project_id ^ key.user_id) % kShards];
}

std::shared_ptr<const ProjectReadCache::Entry> ProjectReadCache::find(const Key& key) const {
  if (!enabled()) return nullptr;
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  const auto it = shard.entries.find(key);
  if (it == shard.entries.end()) return nullptr;
  return it->second;
}

void ProjectReadCache::remember(const Key& key, Entry entry) {
  if (!enabled()) return;
  auto shared = std::make_shared<const Entry>(std::move(entry));
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mutex);
  if (shard.entries.size() >= per_shard_ && !shard.entries.contains(key)) shard.entries.clear();
  shard.entries.insert_or_assign(key, std::move(shared));
}

}  // namespace focusd::postgres
