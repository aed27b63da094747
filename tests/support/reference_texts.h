// Reference data texts the transit tests load: the shipped data, and variants of it made by
// replacing a line (a newer tariff, a bad rate), so that each test says what it changed.
#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "ledger/transit/reference_data.h"

namespace kervan::testing {

// `text` with the first `from` replaced by `to` (a test failure when `from` is not there).
inline std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
  std::string out(text);
  const size_t at = out.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) out.replace(at, from.size(), to);
  return out;
}

// The shipped data with a car's duty (HS 8703) doubled everywhere: newer tariffs than a
// client's, or a second version that changes amounts.
inline std::string doubled_car_duty() {
  std::string text(embedded_carec_toml());
  const std::string from = "\"8703\" = \"15\"", to = "\"8703\" = \"30\"";
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
  }
  return text;
}

}  // namespace kervan::testing
