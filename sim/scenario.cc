#include "sim/scenario.h"

namespace kervan {

std::string_view scheme_kind_name(SchemeKind kind) {
  switch (kind) {
    case SchemeKind::national:
      return "national";
    case SchemeKind::regional:
      return "regional";
    case SchemeKind::tir_like:
      return "tir_like";
    case SchemeKind::comprehensive:
      return "comprehensive";
  }
  return "unknown";
}

}  // namespace kervan
