#pragma once
// SHA-256 computed as bytes arrive: what names a blob.
//
// SHA256_Init/Update/Final are deprecated in OpenSSL 3 in favour of EVP, but
// they run the same code (SHA-NI: 1.8 GB/s here, as EVP) and link only it:
// EVP brings in OpenSSL's whole provider framework, which in a statically
// linked focusd was 4 MiB of code and 0.6 MiB of relocations: idle RSS
// 10.2-10.9 MiB with EVP, 9.5-9.7 without.
#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#endif
#include <openssl/sha.h>

#include <string>
#include <string_view>

namespace focusd::blob {

class Sha256 {
 public:
  Sha256() { SHA256_Init(&context_); }
  void update(std::string_view bytes) { SHA256_Update(&context_, bytes.data(), bytes.size()); }
  // The digest of everything given, as lower-case hex; call it once.
  std::string hex();

 private:
  SHA256_CTX context_{};
};

}  // namespace focusd::blob
