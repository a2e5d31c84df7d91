#include "blob/blob_store.h"

#include "blob/sha256.h"
#include "common/random.h"
#include "common/strings.h"

namespace focusd::blob {

bool is_digest(std::string_view s) {
  return s.size() == 64 && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

bool is_blob_name(std::string_view s) {
  if (is_digest(s)) return true;
  return s.size() == 34 && s.starts_with("u-") && s.find_first_not_of("0123456789abcdef", 2) == std::string_view::npos;
}

std::string new_upload_name() {
  return "u-" + random_hex(16);
}

std::string Sha256::hex() {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256_Final(digest, &context_);
  return to_hex(digest, sizeof digest);
}

Result<std::uint64_t> range_length(ReadRange range, std::uint64_t size) {
  if (range.offset <= size && range.length.value_or(0) <= size - range.offset) {
    return range.length.value_or(size - range.offset);
  }
  Error error = make_error(ErrorCode::RangeNotSatisfiable, "the range reaches past the end of the blob");
  error.detail = "offset " + std::to_string(range.offset) + ", length " +
                 (range.length ? std::to_string(*range.length) : std::string("to the end")) + ", size " +
                 std::to_string(size);
  return error;
}

}  // namespace focusd::blob
