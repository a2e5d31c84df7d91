#pragma once
// The one place that knows which BlobStore implementations exist: the store
// the configuration names (today files under --data), wrapped in the faulty
// one when --fault-file is given (testing).

#include <memory>

#include "blob/blob_store.h"
#include "blob/disk_space.h"
#include "config/config.h"

namespace focusd::blob {

// `space`, when given, must outlive the store and its stagings (see make_disk_blob_store).
std::unique_ptr<BlobStore> make_blob_store(const Config& config, const DiskSpace* space = nullptr);

}  // namespace focusd::blob
