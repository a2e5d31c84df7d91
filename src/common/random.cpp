#include "common/random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "common/strings.h"

namespace focusd {

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  for (std::size_t filled = 0; filled < bytes;) {
    const ssize_t n = ::getrandom(buffer.data() + filled, bytes - filled, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error("getrandom failed");  // only on a kernel without it: a bug here
    filled += static_cast<std::size_t>(n);
  }
  return to_hex(buffer.data(), buffer.size());
}

std::string request_id_hex() {
  thread_local std::mt19937_64 generator(std::stoull(random_hex(8), nullptr, 16));
  const std::uint64_t value = generator();
  return to_hex(reinterpret_cast<const unsigned char*>(&value), sizeof value);
}

}  // namespace focusd
