#pragma once
// The free space of the filesystem that holds the data directory, and the two
// reserves that keep a disk filled through focusd recoverable through focusd:
// - uploads are refused (507) when they would leave less than the upload reserve;
// - other writes (creates, updates) are refused below the smaller write reserve;
// - deletes are never refused, so the room under the write reserve is theirs
//   (SQLite needs some to write the delete), and what they free is usable again.
// By default both reserves scale with the filesystem: the upload reserve is
// 1/32 of its size (1 MiB to 1 GiB), the write reserve half of that. Both are
// checked with statvfs(2) on every admission, except that a write is admitted
// without one for 50 ms after a reading that left 64 MiB above the write
// reserve; a filesystem that cannot be read refuses nothing (the write itself
// will say ENOSPC).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"

namespace focusd::blob {

class DiskSpace {
 public:
  enum class State {
    Ok,    // everything is accepted
    Low,   // below the upload reserve: uploads are refused
    Full,  // below the write reserve: only deletes and reads are accepted
  };

  // `upload_reserve` and `write_reserve` in bytes; 0 means the default share
  // of the filesystem's size.
  DiskSpace(std::string path, std::uint64_t upload_reserve = 0, std::uint64_t write_reserve = 0);

  // InsufficientStorage when writing `bytes` more would leave less than the upload reserve.
  Status admit_upload(std::uint64_t bytes) const;
  // InsufficientStorage when less than the write reserve is left.
  Status admit_write() const;
  State state() const;

  static const char* name(State state);

 private:
  struct Reading {
    std::uint64_t size = 0;       // bytes of the filesystem
    std::uint64_t available = 0;  // bytes an unprivileged writer may still use
  };
  std::optional<Reading> read() const;
  std::uint64_t upload_reserve(const Reading& reading) const;
  std::uint64_t write_reserve(const Reading& reading) const;

  std::string path_;
  std::uint64_t upload_reserve_;
  std::uint64_t write_reserve_;
  // Steady-clock ticks until which admit_write() needs no reading.
  mutable std::atomic<std::chrono::steady_clock::rep> roomy_until_{0};
};

}  // namespace focusd::blob
