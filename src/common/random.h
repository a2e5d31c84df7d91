#pragma once
// Unpredictable identifiers (request ids, temp file names, API keys) from the
// kernel's CSPRNG (getrandom(2)).

#include <cstddef>
#include <string>

namespace focusd {

// `bytes` random bytes as lower-case hex (2 * bytes characters).
std::string random_hex(std::size_t bytes);

}  // namespace focusd
