// The kervan command-line tool. Subcommands grow with the product (serve, verify, bench, ...).
#include <cstdio>
#include <cstring>

#include "api/demo.h"

namespace {

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: kervan <command>\n"
               "commands:\n"
               "  demo    walk through the ledger core on embedded defaults and print each step\n"
               "  help    print this message\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "demo") == 0) return kervan::run_demo(stdout);
  if (std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0) {
    print_usage(stdout);
    return 0;
  }
  std::fprintf(stderr, "kervan: unknown command '%s'\n", argv[1]);
  print_usage(stderr);
  return 2;
}
