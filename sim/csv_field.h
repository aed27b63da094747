// One text field of the simulator's CSV files (movement and event logs, sweep results), as
// RFC 4180 writes it: quoted, its quotes doubled, when it holds a comma, a quote or a line
// break; as it is otherwise.
#pragma once

#include <string>
#include <string_view>

namespace kervan {

// Appends `text` as a CSV field to *out.
void append_csv_field(std::string* out, std::string_view text);

// `text` as a CSV field.
[[nodiscard]] std::string csv_field(std::string_view text);

}  // namespace kervan
