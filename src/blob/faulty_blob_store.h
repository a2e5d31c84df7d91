#pragma once
// A BlobStore that fails on command, for tests of what a failing disk does
// to an upload (LevelDB's fault-injection Env, in small). Before each write,
// fsync and rename it reads `control_file`; a line there makes that step fail:
//
//   write ENOSPC     the next writes fail as with a full disk
//   fsync EIO        fsync fails
//   rename EIO       publishing (the rename into place) fails
//
// An absent or empty file injects nothing. Enabled only by `focusd serve
// --fault-file`, a testing option.

#include <memory>
#include <string>

#include "blob/blob_store.h"

namespace focusd::blob {

std::unique_ptr<BlobStore> make_faulty_blob_store(std::unique_ptr<BlobStore> inner, std::string control_file);

}  // namespace focusd::blob
