#pragma once
// How a list is paged and ordered; shared by the API (parsing) and the store (SQL).

#include <cstdint>
#include <string>
#include <vector>

namespace focusd {

struct Page {
  std::int64_t page = 1;
  std::int64_t per_page = 50;
  std::int64_t offset() const { return (page - 1) * per_page; }
};

// One `order_by` key: a field name and its direction.
struct OrderKey {
  std::string field;
  bool descending = false;
};

using Ordering = std::vector<OrderKey>;

}  // namespace focusd
