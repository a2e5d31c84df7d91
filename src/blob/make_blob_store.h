#pragma once
// The one place that knows which BlobStore implementations exist: the store
// the configuration names (files under --data, or an S3 bucket with --blobs),
// wrapped in the faulty one when --fault-file is given (testing), and in the
// measured one (blob/measured_blob_store.h) always.

#include <memory>

#include "blob/blob_store.h"
#include "blob/disk_space.h"
#include "common/result.h"
#include "config/config.h"

namespace focusd::blob {

// `space`, when given, must outlive the store and its stagings (see
// make_disk_blob_store); an S3 store has no use for it. InvalidArgument for a
// --blobs that is not s3://BUCKET[/PREFIX] or S3 credentials missing from the
// environment.
Result<std::unique_ptr<BlobStore>> make_blob_store(const Config& config, const DiskSpace* space = nullptr);

}  // namespace focusd::blob
