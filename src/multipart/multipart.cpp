#include "multipart/multipart.h"

#include <algorithm>
#include <vector>

#include "common/strings.h"

namespace focusd::multipart {

namespace {

// How much of a piece feed() moves into buffer_ at a time outside a part's data.
constexpr std::size_t kSlice = 4096;
// A delimiter's longest line: CRLF "--", a boundary of 70, and transport
// padding (white space) of 256 at most before its CRLF.
constexpr std::size_t kMaxBoundary = 70;
constexpr std::size_t kMaxPadding = 256;

Error malformed(std::string problem) {
  return invalid("multipart", std::move(problem));
}

// Splits `type; a=1; b="x;y"` into the type and its parameters; quoted values
// are unquoted (backslash escapes honoured). nullopt for an unterminated quote.
struct Parameter {
  std::string name;
  std::string value;
};
std::optional<std::vector<Parameter>> parameters(std::string_view text, std::string_view& first) {
  std::vector<Parameter> params;
  auto semicolon = text.find(';');
  first = trim(text.substr(0, semicolon));
  std::size_t at = semicolon == std::string_view::npos ? text.size() : semicolon + 1;
  while (at < text.size()) {
    const auto equals = text.find('=', at);
    if (equals == std::string_view::npos) {
      if (!trim(text.substr(at)).empty()) params.push_back({std::string(trim(text.substr(at))), ""});
      break;
    }
    Parameter p{std::string(trim(text.substr(at, equals - at))), ""};
    at = equals + 1;
    while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
    if (at < text.size() && text[at] == '"') {
      ++at;
      bool closed = false;
      for (; at < text.size(); ++at) {
        if (text[at] == '\\' && at + 1 < text.size()) {
          p.value += text[++at];
        } else if (text[at] == '"') {
          closed = true;
          ++at;
          break;
        } else {
          p.value += text[at];
        }
      }
      if (!closed) return std::nullopt;
      const auto next = text.find(';', at);
      at = next == std::string_view::npos ? text.size() : next + 1;
    } else {
      const auto next = text.find(';', at);
      p.value = std::string(trim(text.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at)));
      at = next == std::string_view::npos ? text.size() : next + 1;
    }
    for (char& c : p.name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    params.push_back(std::move(p));
  }
  return params;
}

// RFC 5987 ext-value: charset'lang'percent-encoded.
std::optional<std::string> decode_ext_value(std::string_view value) {
  const auto first = value.find('\'');
  const auto second = first == std::string_view::npos ? first : value.find('\'', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  const auto charset = value.substr(0, first);
  if (!iequals(charset, "UTF-8") && !iequals(charset, "ISO-8859-1")) return std::nullopt;
  std::string out;
  for (std::size_t i = second + 1; i < value.size(); ++i) {
    if (value[i] != '%') {
      out += value[i];
      continue;
    }
    if (i + 2 >= value.size() || !std::isxdigit(static_cast<unsigned char>(value[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(value[i + 2]))) {
      return std::nullopt;
    }
    out += static_cast<char>(std::stoi(std::string(value.substr(i + 1, 2)), nullptr, 16));
    i += 2;
  }
  return out;
}

}  // namespace

Result<std::string> boundary_of(std::string_view content_type) {
  std::string_view type;
  auto params = parameters(content_type, type);
  if (!iequals(type, "multipart/form-data")) {
    return make_error(ErrorCode::UnsupportedMediaType, "uploads must be multipart/form-data");
  }
  if (!params) return malformed("malformed Content-Type parameters");
  for (const auto& p : *params) {
    if (p.name != "boundary") continue;
    if (p.value.empty() || p.value.size() > 70 || p.value.back() == ' ') {
      return malformed("the boundary must be 1 to 70 characters");
    }
    return p.value;
  }
  return malformed("Content-Type has no boundary");
}

std::uint64_t max_bytes_after(const Limits& limits, std::size_t parts, std::size_t data_bytes) {
  constexpr std::uint64_t kDelimiter = 4 + kMaxBoundary;
  const std::uint64_t part = kDelimiter + kMaxPadding + 2 + limits.max_part_header_bytes + 4 + data_bytes;
  return parts * part + kDelimiter + 2 + limits.max_epilogue_bytes;
}

Parser::Parser(const std::string& boundary, Limits limits, Handler& handler)
    : delimiter_("\r\n--" + boundary), limits_(limits), handler_(handler) {}

Status Parser::feed(std::string_view data) {
  for (;;) {
    if (state_ == State::Data) {
      if (auto status = feed_data(data); !status) return status;
    }
    if (data.empty()) return Ok{};
    // A delimiter, part headers and the like go through buffer_, a slice at a
    // time: the next part's data, once its headers are read, takes the fast
    // path again instead of being copied into buffer_ with them.
    const std::size_t slice = std::min(data.size(), kSlice);
    buffer_.append(data.substr(0, slice));
    data.remove_prefix(slice);
    unfed_ = data.size();
    for (bool progressed = true; progressed;) {
      progressed = false;
      if (auto status = step(progressed); !status) return status;
    }
  }
}

// Inside a part's data, hands the handler what it can straight from `data`
// (an upload's bytes are not copied into buffer_ first) and consumes it from
// `data`; feed() goes on with the rest. buffer_ holds less than a delimiter
// here (the tail that might start one). The slow path (all of `data` into
// buffer_) is left to handle a delimiter that starts in buffer_, and a piece
// shorter than a delimiter.
Status Parser::feed_data(std::string_view& data) {
  const std::size_t d = delimiter_.size();
  if (data.size() < d) return Ok{};
  // A delimiter starting in the kept tail ends within data's first d - 1 bytes.
  const std::string joined = buffer_ + std::string(data.substr(0, d - 1));
  const auto spanning = joined.find(delimiter_);
  if (spanning != std::string::npos && spanning < buffer_.size()) return Ok{};
  if (!buffer_.empty()) {
    unparsed_ = data.size();
    if (auto status = handler_.on_part_data(buffer_); !status) return status;
    buffer_.clear();
  }
  const auto at = data.find(delimiter_);
  // Without a delimiter, all but the last d - 1 bytes (a possible start of one) are data.
  const std::size_t end = at == std::string_view::npos ? data.size() - (d - 1) : at;
  if (end > 0) {
    unparsed_ = data.size() - end;
    if (auto status = handler_.on_part_data(data.substr(0, end)); !status) return status;
  }
  data.remove_prefix(end);
  return Ok{};
}

Status Parser::finish() {
  if (state_ == State::Epilogue) return Ok{};
  if (state_ == State::Preamble && parts_ == 0) return malformed("the body has no parts");
  return malformed("the body ended before the closing boundary");
}

// Consumes as much of buffer_ as the current state allows; sets `progressed`
// when it changed state or consumed bytes and another step may do more.
Status Parser::step(bool& progressed) {
  switch (state_) {
    case State::Preamble: {
      // The first delimiter may start the body without the leading CRLF.
      const std::string_view first = std::string_view(delimiter_).substr(2);
      if (at_body_start_ && buffer_.size() < first.size() && first.substr(0, buffer_.size()) == buffer_) {
        return Ok{};  // could still become the opening delimiter
      }
      if (at_body_start_ && buffer_.compare(0, first.size(), first) == 0) {
        buffer_.erase(0, first.size());
      } else if (auto at = buffer_.find(delimiter_); at != std::string::npos) {
        buffer_.erase(0, at + delimiter_.size());
      } else {
        // Keep what could be the start of a delimiter; drop the rest of the preamble.
        at_body_start_ = false;
        if (buffer_.size() > delimiter_.size()) buffer_.erase(0, buffer_.size() - delimiter_.size());
        return Ok{};
      }
      state_ = State::AfterDelimiter;
      progressed = true;
      return Ok{};
    }
    case State::AfterDelimiter: {
      if (buffer_.size() < 2) return Ok{};
      if (buffer_.compare(0, 2, "--") == 0) {
        buffer_.erase(0, 2);
        state_ = State::Epilogue;
        progressed = true;
        return Ok{};
      }
      const auto eol = buffer_.find("\r\n");
      if (eol == std::string::npos) {
        if (buffer_.size() > kMaxPadding + 1) return malformed("garbage after a boundary");  // + a CR
        return Ok{};
      }
      if (eol > kMaxPadding || !trim(std::string_view(buffer_).substr(0, eol)).empty()) {
        return malformed("garbage after a boundary");
      }
      buffer_.erase(0, eol + 2);
      state_ = State::Headers;
      progressed = true;
      return Ok{};
    }
    case State::Headers: {
      const auto end = buffer_.find("\r\n\r\n");
      const bool empty_headers = buffer_.compare(0, 2, "\r\n") == 0;
      if (end == std::string::npos && !empty_headers) {
        // (+ 3: what is there may end in the first three bytes of the CRLF CRLF)
        if (buffer_.size() > limits_.max_part_header_bytes + 3) return malformed("part headers are too large");
        return Ok{};
      }
      const std::size_t block_end = empty_headers ? 0 : end;
      if (block_end > limits_.max_part_header_bytes) return malformed("part headers are too large");
      if (++parts_ > limits_.max_parts) return malformed("too many parts");
      if (auto status = begin_part(std::string_view(buffer_).substr(0, block_end)); !status) return status;
      buffer_.erase(0, empty_headers ? 2 : end + 4);
      state_ = State::Data;
      progressed = true;
      return Ok{};
    }
    case State::Data: {
      const auto at = buffer_.find(delimiter_);
      if (at == std::string::npos) {
        // Everything but a possible partial delimiter at the end is data.
        if (buffer_.size() >= delimiter_.size()) {
          const std::size_t safe = buffer_.size() - (delimiter_.size() - 1);
          unparsed_ = buffer_.size() - safe + unfed_;
          if (auto status = handler_.on_part_data(std::string_view(buffer_).substr(0, safe)); !status) return status;
          buffer_.erase(0, safe);
        }
        return Ok{};
      }
      if (at > 0) {
        unparsed_ = buffer_.size() - at + unfed_;
        if (auto status = handler_.on_part_data(std::string_view(buffer_).substr(0, at)); !status) return status;
      }
      if (auto status = handler_.on_part_end(); !status) return status;
      buffer_.erase(0, at + delimiter_.size());
      state_ = State::AfterDelimiter;
      progressed = true;
      return Ok{};
    }
    case State::Epilogue:
      epilogue_bytes_ += buffer_.size();
      buffer_.clear();
      if (epilogue_bytes_ > limits_.max_epilogue_bytes) {
        return malformed("more than " + std::to_string(limits_.max_epilogue_bytes) +
                         " bytes follow the closing boundary");
      }
      return Ok{};
  }
  return Ok{};
}

Status Parser::begin_part(std::string_view block) {
  PartHeaders headers;
  bool has_disposition = false;
  while (!block.empty()) {
    const auto eol = block.find("\r\n");
    const std::string_view line = block.substr(0, eol);
    block = eol == std::string_view::npos ? std::string_view() : block.substr(eol + 2);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return malformed("a part header has no colon");
    const std::string_view name = trim(line.substr(0, colon));
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "Content-Type")) {
      headers.content_type = std::string(value);
    } else if (iequals(name, "Content-Disposition")) {
      std::string_view kind;
      auto params = parameters(value, kind);
      if (!params || !iequals(kind, "form-data")) return malformed("a part's Content-Disposition is not form-data");
      has_disposition = true;
      bool has_name = false;
      std::optional<std::string> extended;
      for (const auto& p : *params) {
        if (p.name == "name") {
          headers.name = p.value;
          has_name = true;
        } else if (p.name == "filename") {
          headers.filename = p.value;
        } else if (p.name == "filename*") {
          extended = decode_ext_value(p.value);
          if (!extended) return malformed("a part's filename* is malformed");
        }
      }
      if (!has_name) return malformed("a part has no name");
      if (extended) headers.filename = std::move(extended);
    }
  }
  if (!has_disposition) return malformed("a part has no Content-Disposition");
  return handler_.on_part_begin(headers);
}

}  // namespace focusd::multipart
