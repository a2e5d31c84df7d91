#include "store/store.h"

namespace focusd {

const char* to_string(OrgRole role) {
  switch (role) {
    case OrgRole::Owner: return "owner";
    case OrgRole::Admin: return "admin";
    case OrgRole::Member: return "member";
  }
  return "member";
}

std::optional<OrgRole> parse_org_role(std::string_view text) {
  if (text == "owner") return OrgRole::Owner;
  if (text == "admin") return OrgRole::Admin;
  if (text == "member") return OrgRole::Member;
  return std::nullopt;
}

Error schema_too_new(int found, int known) {
  return make_error(ErrorCode::InvalidArgument, "database schema version " + std::to_string(found) +
                                                    " is newer than this focusd supports (" + std::to_string(known) +
                                                    "); upgrade focusd");
}

}  // namespace focusd
