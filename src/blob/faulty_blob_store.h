#pragma once
// A BlobStore that fails on command, for tests of what a failing disk does
// to an upload or a view (LevelDB's fault-injection Env, in small). It wraps
// any BlobStore. Before each write, fsync, rename and read it reads
// `control_file`; a line there makes that step fail:
//
//   write ENOSPC     the next writes fail as with a full disk
//   fsync EIO        fsync fails
//   rename EIO       publishing (the rename into place) fails
//   read EIO         reading a blob fails (its bytes are handed out as a
//                    stream whose reads fail, so a view is cut short)
//   write hang       each write waits while this line is there (as on a
//   read hang        store that has stopped taking or giving bytes), having
//                    first added a line `write` or `read` to the file
//                    `<control_file>.hung`
//
// and one line is a mode, not a fault:
//
//   streams          every blob is handed out as a ByteStream, as a store
//                    without local files does, so that the transport's
//                    stream path is tested with the disk store underneath
//
// An absent or empty file injects nothing. Enabled only by `focusd serve
// --fault-file`, a testing option.

#include <memory>
#include <string>

#include "blob/blob_store.h"

namespace focusd::blob {

std::unique_ptr<BlobStore> make_faulty_blob_store(std::unique_ptr<BlobStore> inner, std::string control_file);

}  // namespace focusd::blob
