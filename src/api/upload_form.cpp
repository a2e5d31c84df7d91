#include "api/upload_form.h"

#include <charconv>
#include "common/field_name.h"
#include "common/json_read.h"
#include "domain/attachment_input.h"

namespace focusd::api {

namespace {

constexpr std::size_t kMaxValueBytes = 4096;                       // a name or an order; generous
constexpr std::uint64_t kBulkHeldBytes = std::uint64_t{16} << 20;  // see on_part_end
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
  // After the one file, only each value field once is accepted.
  if (limits_.max_files == 1) {
    max_after_file_ = multipart::max_bytes_after(limits_.parts, value_fields_.size(), kMaxValueBytes);
  }
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
    if (body_left_ && max_after_file_) {
      // These bytes, and all but what may follow the file of those after them.
      const std::uint64_t after = *body_left_ + (parser_ ? parser_->unparsed() : 0);
      const std::uint64_t coming = data.size() + after - std::min(after, *max_after_file_);
      file_->staging->expect_at_least(std::min(coming, limits_.max_file_bytes - (file_bytes_ - data.size())));
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
  // A bulk's file is ended as soon as its part is: a store may send it on now
  // (S3), so a bulk holds no file's bytes once the next file comes. A single
  // file is ended by attachments::Service, where the type sniffing overlaps
  // the store's last writes (1 MiB uploads to S3 were 5 % slower ended here).
  if (file_ && limits_.max_files > 1) {
    // Its flush comes with the whole bulk's. Up to kBulkHeldBytes of its files
    // may wait for it in memory (S3: a PUT each then, the fewest requests);
    // the files past that are sent on as they end, so a bulk holds no more.
    bulk_bytes_ += file_bytes_;
    if (bulk_bytes_ > kBulkHeldBytes) file_->staging->expect_late_flush();
    if (auto finished = file_->staging->finish(); !finished) return finished.error();
  }
  file_ = nullptr;
  value_ = nullptr;
  return Ok{};
}

namespace {

attachments::StagedFile staged(FormFile file, std::string name, double display_order) {
  return {std::move(name), display_order, std::move(file.declared_type), std::move(file.staging)};
}

Result<double> display_order_of(std::string_view text, const std::string& field) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !domain::is_display_order(value)) {
    return domain::invalid_display_order(field);
  }
  return value;
}

// A name given in the form or the query: the rules of JSON names, and UTF-8
// (which JSON parsing ensures for those).
Result<std::string> explicit_name(const std::string& text, const std::string& field) {
  if (!is_utf8(text)) return invalid(field, "must be UTF-8 text");
  return json_read::name(boost::json::value(text), field);
}

// The values of a form field, or of the query parameter of that name (with
// the same spellings) when the form has none.
Result<Slots<std::string>> form_or_query(UploadForm& form, const Query& query, const std::string& field,
                                         std::size_t limit) {
  if (!form.values(field).empty()) return form.values(field);
  Slots<std::string> slots;
  for (auto& item : query.indexed(field)) {
    auto slot = slot_for(slots, item.index, field, field, limit);
    if (!slot) return slot.error();
    **slot = std::move(item.value);
  }
  return slots;
}

// The Swagger declares display_orders comma-separated (collectionFormat csv),
// as its generated clients send them: one value "1,2,3" is one per file.
// (Not names: a comma is fine in a name.)
Slots<std::string> split_commas(Slots<std::string> values) {
  if (values.size() != 1 || !values[0] || values[0]->find(',') == std::string::npos) return values;
  Slots<std::string> split;
  std::string_view rest = *values[0];
  for (;;) {
    const std::size_t comma = rest.find(',');
    split.emplace_back(std::string(rest.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return split;
}

}  // namespace

Result<std::vector<attachments::StagedFile>> single_upload(UploadForm& form, const Query& query) {
  auto& files = form.files();
  if (files.empty() || !files[0]) return invalid("file", "is required");
  auto order_values = form_or_query(form, query, "display_order", 1);
  if (!order_values) return order_values.error();
  auto name_values = form_or_query(form, query, "name", 1);
  if (!name_values) return name_values.error();
  const auto& orders = *order_values;
  const auto& names = *name_values;
  if (orders.empty() || !orders[0]) return invalid("display_order", "is required");
  auto order = display_order_of(*orders[0], "display_order");
  if (!order) return order.error();
  auto name = !names.empty() && names[0] ? explicit_name(*names[0], "name")
                                         : Result<std::string>(attachment_name_from_filename(files[0]->filename));
  if (!name) return name.error();
  std::vector<attachments::StagedFile> uploads;
  uploads.push_back(staged(std::move(*files[0]), std::move(*name), *order));
  return uploads;
}

Result<std::vector<attachments::StagedFile>> bulk_uploads(UploadForm& form, const Query& query, std::size_t max_files) {
  auto& files = form.files();
  if (files.empty()) return invalid("files", "at least one file is required");
  auto order_values = form_or_query(form, query, "display_orders", max_files);
  if (!order_values) return order_values.error();
  auto name_values = form_or_query(form, query, "names", max_files);
  if (!name_values) return name_values.error();
  const auto orders = split_commas(std::move(*order_values));
  const auto& names = *name_values;
  const auto indexed = [](const char* field, std::size_t i) {
    return std::string(field) + "[" + std::to_string(i) + "]";
  };
  if (orders.size() > files.size()) {
    return invalid("display_orders", "has " + std::to_string(orders.size()) + " values for " +
                                         std::to_string(files.size()) + " files; give one per file");
  }
  if (names.size() > files.size()) {
    return invalid("names", "has " + std::to_string(names.size()) + " values for " + std::to_string(files.size()) +
                                " files; give at most one per file");
  }
  std::vector<attachments::StagedFile> uploads;
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (!files[i]) return invalid(indexed("files", i), "is missing");
    if (i >= orders.size() || !orders[i]) return invalid(indexed("display_orders", i), "is required (one per file)");
    auto order = display_order_of(*orders[i], indexed("display_orders", i));
    if (!order) return order.error();
    auto name = i < names.size() && names[i] ? explicit_name(*names[i], indexed("names", i))
                                             : Result<std::string>(attachment_name_from_filename(files[i]->filename));
    if (!name) return name.error();
    uploads.push_back(staged(std::move(*files[i]), std::move(*name), *order));
  }
  return uploads;
}

}  // namespace focusd::api
