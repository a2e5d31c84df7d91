#include "common/random.h"

#include <sys/random.h>

#include <cerrno>
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

}  // namespace focusd
