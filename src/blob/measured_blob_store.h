#pragma once
// A BlobStore that times each call of the store it wraps (and of its
// stagings) and counts those that fail, for GET /metrics (common/metrics.h):
// staging writes, finishes, publishes, opens and removes. It changes nothing
// else: every answer is the wrapped store's.

#include <memory>

#include "blob/blob_store.h"

namespace focusd::blob {

std::unique_ptr<BlobStore> make_measured_blob_store(std::unique_ptr<BlobStore> inner);

}  // namespace focusd::blob
