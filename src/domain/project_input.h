#pragma once
// Reads a project request body (POST, PUT, PATCH) into ProjectFields, checking
// every field: types, colors (#rrggbb), dates (YYYY-MM-DD, end >= start),
// estimated_mins >= 0, fixed_fee {amount >= 0, currency ISO 4217}, ids > 0,
// and no unknown members. InvalidArgument names the offending field.

#include <boost/json/object.hpp>
#include <optional>

#include "common/result.h"
#include "store/records.h"

namespace focusd::domain {

struct ProjectInput {
  ProjectFields fields;
  std::optional<bool> pinned;  // present in the body: pin or unpin for the caller
};

enum class WriteMode {
  Create,   // POST: name required, omitted fields take their defaults
  Replace,  // PUT: the same
  Patch,    // PATCH: only present fields change; null clears a nullable one
};

// `current` is the project as stored (PATCH starts from it; ignored otherwise).
Result<ProjectInput> read_project_input(const boost::json::object& body, WriteMode mode,
                                        const ProjectFields& current = {});

// True for a three-letter ISO 4217 currency code in use.
bool is_currency_code(std::string_view code);
// True for "#rrggbb".
bool is_hex_color(std::string_view color);

}  // namespace focusd::domain
