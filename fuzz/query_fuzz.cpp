// The query-string and array-parameter parser, and every typed getter.
#include <string>

#include "api/query.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string target = "/api/x?" + std::string(reinterpret_cast<const char*>(data), size);
  auto query = focusd::api::Query::parse(target);
  if (!query) return 0;
  for (const char* name : {"name", "page", "per_page", "archived", "start_date", "project_id", "order_by", "names"}) {
    (void)query->has(name);
    (void)query->text(name);
    (void)query->boolean(name);
    (void)query->date(name);
    (void)query->list(name);
    (void)query->ids(name);
    (void)query->indexed(name);
  }
  (void)query->page();
  (void)query->order_by({"name", "created_at", "display_order"});
  return 0;
}
