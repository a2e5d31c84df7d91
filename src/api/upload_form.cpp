#include "api/upload_form.h"

#include "common/field_name.h"

namespace focusd::api {

namespace {

constexpr std::size_t kMaxValueBytes = 4096;  // a name or an order; generous
constexpr std::size_t kMaxNameBytes = 255;

// The length of the UTF-8 sequence starting at text[at], or 0 when it is not
// well-formed (overlong forms, surrogates and values past U+10FFFF included).
std::size_t utf8_sequence(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char c = byte(at);
  if (c < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80, high = 0xbf;  // the allowed range of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    length = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    length = 3;
    if (c == 0xe0) low = 0xa0;
    if (c == 0xed) high = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    length = 4;
    if (c == 0xf0) low = 0x90;
    if (c == 0xf4) high = 0x8f;
  } else {
    return 0;
  }
  if (at + length > text.size()) return 0;
  if (byte(at + 1) < low || byte(at + 1) > high) return 0;
  for (std::size_t i = 2; i < length; ++i) {
    if (byte(at + i) < 0x80 || byte(at + i) > 0xbf) return 0;
  }
  return length;
}

}  // namespace

bool is_utf8(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    const std::size_t length = utf8_sequence(text, at);
    if (length == 0) return false;
    at += length;
  }
  return true;
}

std::string attachment_name_from_filename(std::string_view filename) {
  if (const auto slash = filename.find_last_of("/\\"); slash != std::string_view::npos) {
    filename.remove_prefix(slash + 1);
  }
  while (!filename.empty() && filename.front() == ' ') filename.remove_prefix(1);
  std::string name;
  for (std::size_t at = 0; at < filename.size();) {
    const std::size_t length = utf8_sequence(filename, at);
    if (length == 0) {
      ++at;  // a byte that is not UTF-8 is dropped
      continue;
    }
    const unsigned char c = static_cast<unsigned char>(filename[at]);
    const bool c1 = length == 2 && c == 0xc2 && static_cast<unsigned char>(filename[at + 1]) < 0xa0;  // U+0080..9F
    const bool control = (length == 1 && (c < 0x20 || c == 0x7f)) || c1;
    if (!control) {
      if (name.size() + length > kMaxNameBytes) break;
      name.append(filename.substr(at, length));
    }
    at += length;
  }
  const auto first = name.find_first_not_of(' ');
  if (first == std::string::npos) return "file";
  name = name.substr(first, name.find_last_not_of(' ') - first + 1);
  if (name == "." || name == "..") return "file";
  return name;
}

UploadForm::UploadForm(blob::BlobStore& blobs, std::string file_field, std::vector<std::string> value_fields,
                       UploadLimits limits)
    : blobs_(blobs), file_field_(std::move(file_field)), limits_(limits) {
  for (auto& field : value_fields) value_fields_.push_back(ValueField{std::move(field), {}});
}

const Slots<std::string>& UploadForm::values(std::string_view field) const {
  static const Slots<std::string> kNone;
  for (const auto& f : value_fields_) {
    if (f.name == field) return f.slots;
  }
  return kNone;
}

Status UploadForm::on_part_begin(const multipart::PartHeaders& headers) {
  part_ = headers.name;
  file_bytes_ = 0;
  const FieldName name = parse_field_name(headers.name);
  if (name.base == file_field_) {
    auto slot = slot_for(files_, name.index, headers.name, name.base, limits_.max_files);
    if (!slot) return slot.error();
    // Errors name the file by its place: "files[6]" however it was spelt.
    if (limits_.max_files > 1) part_ = std::string(name.base) + "[" + std::to_string(*slot - files_.data()) + "]";
    auto staging = blobs_.stage();
    if (!staging) return staging.error();
    **slot = FormFile{part_, headers.filename.value_or(""), headers.content_type, std::move(*staging)};
    file_ = &***slot;
    return Ok{};
  }
  for (auto& f : value_fields_) {
    if (f.name != name.base) continue;
    auto slot = slot_for(f.slots, name.index, headers.name, name.base, limits_.max_files);
    if (!slot) return slot.error();
    **slot = std::string();
    value_ = &***slot;
    return Ok{};
  }
  std::string expected = file_field_;
  for (const auto& f : value_fields_) expected += ", " + f.name;
  return invalid(headers.name.empty() ? "multipart" : headers.name, "unknown form field; expected " + expected);
}

Status UploadForm::on_part_data(std::string_view data) {
  if (file_) {
    file_bytes_ += data.size();
    if (file_bytes_ > limits_.max_file_bytes) {
      const std::string limit = std::to_string(limits_.max_file_bytes);
      Error error = make_error(ErrorCode::PayloadTooLarge,
                               part_ + ": a file may be at most " + limit + " bytes (max_upload_file_bytes)");
      error.values.emplace(part_, "larger than the limit of " + limit + " bytes");
      return error;
    }
    return file_->staging->write(data);
  }
  if (value_) {
    if (value_->size() + data.size() > kMaxValueBytes) {
      return invalid(part_, "must be at most " + std::to_string(kMaxValueBytes) + " bytes");
    }
    value_->append(data);
  }
  return Ok{};
}

Status UploadForm::on_part_end() {
  if (value_ && !is_utf8(*value_)) return invalid(part_, "must be UTF-8 text");
  file_ = nullptr;
  value_ = nullptr;
  return Ok{};
}

}  // namespace focusd::api
