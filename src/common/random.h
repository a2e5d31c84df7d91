#pragma once
// Unpredictable identifiers (temp file names, API keys) from the kernel's
// CSPRNG (getrandom(2)), and request ids from a generator it seeds.

#include <cstddef>
#include <string>

namespace focusd {

// `bytes` random bytes as lower-case hex (2 * bytes characters).
std::string random_hex(std::size_t bytes);

// 16 hex digits for ids that must differ but need not be secret (request
// ids): a per-thread generator seeded once from the CSPRNG, so no system call
// each time.
std::string request_id_hex();

}  // namespace focusd
