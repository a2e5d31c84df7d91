#include "blob/blob_store.h"

namespace focusd::blob {

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
