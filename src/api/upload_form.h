#pragma once
// The form of an attachment upload, collected while its multipart body is
// parsed: file parts go straight into blob stagings (temp files, hashed as
// they are written), value parts are kept as text. Every field accepts the
// spellings clients use: `names` repeated, `names[]`, and `names[2]` (which
// puts the value at index 2).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/query.h"
#include "attachments/attachments.h"
#include "blob/blob_store.h"
#include "common/result.h"
#include "multipart/multipart.h"

namespace focusd::api {

struct UploadLimits {
  std::size_t max_files = 10;                   // also bounds every array index
  std::uint64_t max_file_bytes = 100ull << 20;  // larger -> 413 naming the part
  multipart::Limits parts;                      // the parser's, which bound what may follow a file
};

struct FormFile {
  std::string part;      // the part's name with its index, for errors ("files[3]"), or "file"
  std::string filename;  // as sent (decoded); may be empty
  std::string declared_type;
  std::unique_ptr<blob::Staging> staging;
};

// One field's values by index; an index never given is nullopt.
template <class T>
using Slots = std::vector<std::optional<T>>;

// Where a value of `field` sent as `part` goes: at `index`, or at the next
// place when it has none. InvalidArgument when that place is at or past
// `limit` (naming the part when it gave the index, else the field) or is
// already taken (naming the part).
template <class T>
Result<std::optional<T>*> slot_for(Slots<T>& slots, std::optional<std::uint64_t> index, std::string_view part,
                                   std::string_view field, std::size_t limit) {
  const std::uint64_t at = index.value_or(slots.size());
  if (at >= limit) {
    if (limit == 1) return invalid(std::string(field), "must be given once");
    if (index) return invalid(std::string(part), "the index must be below " + std::to_string(limit));
    return invalid(std::string(field), "at most " + std::to_string(limit) + " per request");
  }
  if (at >= slots.size()) slots.resize(at + 1);
  if (slots[at]) return invalid(std::string(part), "is given more than once");
  return &slots[at];
}

class UploadForm final : public multipart::Handler {
 public:
  // `file_field` names the file parts ("file" or "files"); `value_fields` the
  // text parts. A part of any other name is a 400 naming it.
  UploadForm(blob::BlobStore& blobs, std::string file_field, std::vector<std::string> value_fields,
             UploadLimits limits);

  // How many bytes of a body of known length are still to be fed to the
  // parser after the piece it is about to be fed (nullopt: unknown). While a
  // form with one file reads its file, what may still follow the file is
  // bounded (multipart::max_bytes_after), so the rest of the body promises
  // its staging that many more bytes (Staging::expect_at_least).
  void body_left(std::optional<std::uint64_t> bytes) { body_left_ = bytes; }
  // The parser that feeds this form: what of a piece it has yet to parse
  // counts too (multipart::Parser::unparsed).
  void parsed_by(const multipart::Parser& parser) { parser_ = &parser; }

  Status on_part_begin(const multipart::PartHeaders& headers) override;
  Status on_part_data(std::string_view data) override;
  Status on_part_end() override;

  Slots<FormFile>& files() { return files_; }
  // The values of a text field (empty when it was not sent).
  const Slots<std::string>& values(std::string_view field) const;

 private:
  struct ValueField {
    std::string name;
    Slots<std::string> slots;
  };

  blob::BlobStore& blobs_;
  std::string file_field_;
  std::vector<ValueField> value_fields_;
  UploadLimits limits_;
  Slots<FormFile> files_;
  FormFile* file_ = nullptr;      // the file part being read
  std::string* value_ = nullptr;  // the value part being read
  std::string part_;              // its name, for errors ("files[6]" for a file of a bulk)
  std::uint64_t file_bytes_ = 0;  // bytes of the file part so far
  std::uint64_t bulk_bytes_ = 0;  // bytes of a bulk's files ended so far
  std::optional<std::uint64_t> body_left_;
  const multipart::Parser* parser_ = nullptr;
  std::optional<std::uint64_t> max_after_file_;  // what may follow a file's data; nullopt: more files may
};

// The name a file gets from its part's filename: the last path segment,
// without control characters (C0 and C1) and invalid UTF-8, trimmed, at most
// 255 bytes; "file" when nothing is left.
std::string attachment_name_from_filename(std::string_view filename);

// True when `text` is well-formed UTF-8.
bool is_utf8(std::string_view text);

// The files of POST …/attachments, ready to store: one `file`, a required
// `display_order`, an optional `name` (default: the file's name). Each value
// comes from the form or, when the form has none, from the query string (with
// the same spellings). InvalidArgument naming the field otherwise.
Result<std::vector<attachments::StagedFile>> single_upload(UploadForm& form, const Query& query);
// The files of POST …/attachments/bulk: `files` 1..max_files, one
// `display_orders` per file, optional `names` (by index; a name not given
// defaults to the file's name). InvalidArgument naming the field (with its
// index) otherwise.
Result<std::vector<attachments::StagedFile>> bulk_uploads(UploadForm& form, const Query& query, std::size_t max_files);

}  // namespace focusd::api
