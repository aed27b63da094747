// The kervan command-line tool. Subcommands grow with the product (serve, verify, bench, ...).
#include <cstdio>
#include <cstring>

#include "api/demo.h"
#include "ledger/store.h"

namespace {

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: kervan <command>\n"
               "commands:\n"
               "  demo           walk through the ledger core on embedded defaults\n"
               "  verify <path>  check a store: checksums, hash chain, replay, invariants\n"
               "  help           print this message\n");
}

// `kervan verify <path>`: exit 0 when the store checks, 1 when it does not, 2 on bad usage.
int verify(const char* path) {
  kervan::VerifyReport report;
  const kervan::StoreStatus status = kervan::verify_store(path, &report);
  if (!status.ok()) {
    std::fprintf(stderr, "kervan verify: %s\n", status.to_string().c_str());
    return 1;
  }
  std::printf("kervan verify: ok: %s%s\n", report.summary.c_str(),
              report.replayed_from_empty ? " (journal replayed from its first record too)"
                                         : " (journal pruned: checkpoint plus journal only)");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "demo") == 0) return kervan::run_demo(stdout);
  if (std::strcmp(argv[1], "verify") == 0) {
    if (argc != 3) {
      print_usage(stderr);
      return 2;
    }
    return verify(argv[2]);
  }
  if (std::strcmp(argv[1], "help") == 0 || std::strcmp(argv[1], "--help") == 0) {
    print_usage(stdout);
    return 0;
  }
  std::fprintf(stderr, "kervan: unknown command '%s'\n", argv[1]);
  print_usage(stderr);
  return 2;
}
