#include "common/spin.h"

namespace focusd {

void run_spinning(boost::asio::io_context& context, std::chrono::microseconds spin) {
  if (spin.count() == 0) {
    context.run();
    return;
  }
  while (!context.stopped()) {
    if (context.poll() > 0) continue;
    if (spin_until(spin, [&] { return context.stopped() || context.poll() > 0; })) continue;
    context.run_one();
  }
}

}  // namespace focusd
