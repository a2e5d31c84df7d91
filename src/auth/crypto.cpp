#include "auth/crypto.h"

#include <sodium.h>

#include <vector>

#include "common/strings.h"

namespace focusd::auth {

namespace {
const std::array<unsigned char, crypto_generichash_KEYBYTES>& process_key() {
  static const auto kKey = [] {
    std::array<unsigned char, crypto_generichash_KEYBYTES> k{};
    crypto_generichash_keygen(k.data());
    return k;
  }();
  return kKey;
}
}  // namespace

bool init_crypto() {
  return sodium_init() >= 0;
}

std::optional<std::string> hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    return std::nullopt;
  }
  return std::string(out);
}

bool verify_password(std::string_view password, const std::string& hash) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// libsodium's SHA-256, already loaded for passwords: an API key is short,
// and OpenSSL's first digest wakes its providers, 2 MiB of library pages made
// resident on the first authenticated request. Uploads keep OpenSSL's faster
// streaming SHA-256 (blob/disk_blob_store.cpp); both give the same digest.
std::string sha256_hex(std::string_view data) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return to_hex(digest, sizeof digest);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string> base64_decode(std::string_view text) {
  std::string out(text.size() / 4 * 3 + 3, '\0');
  std::size_t size = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(), nullptr,
                        &size, &end, sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(size);
  return out;
}

std::string base64_encode(std::string_view data) {
  std::string out(sodium_base64_ENCODED_LEN(data.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                    sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

std::array<std::uint8_t, 32> keyed_digest(std::string_view data) {
  std::array<std::uint8_t, 32> out{};
  crypto_generichash(out.data(), out.size(), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
                     process_key().data(), process_key().size());
  return out;
}

}  // namespace focusd::auth
