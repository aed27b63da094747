// The kervan command-line tool. Subcommands grow with the product (serve, verify, bench, ...).
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "api/demo.h"
#include "api/scenario.h"
#include "ledger/store.h"

namespace {

void print_usage(std::FILE* out) {
  std::fprintf(out,
               "usage: kervan <command>\n"
               "commands:\n"
               "  scenario [--store <path>] [--movements N]\n"
               "                 the main job: a CAREC regional scenario through the durable\n"
               "                 transit ledger on embedded defaults\n"
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
  if (argc < 2 || std::strcmp(argv[1], "scenario") == 0) {
    kervan::ScenarioOptions options;
    for (int i = 2; i + 1 < argc; i += 2) {
      if (std::strcmp(argv[i], "--store") == 0) {
        options.store_path = argv[i + 1];
      } else if (std::strcmp(argv[i], "--movements") == 0) {
        options.movements = static_cast<uint32_t>(std::strtoul(argv[i + 1], nullptr, 10));
      } else {
        print_usage(stderr);
        return 2;
      }
    }
    if ((argc - 2) % 2 != 0 || options.movements == 0 || options.movements > 100'000) {
      print_usage(stderr);
      return 2;
    }
    return kervan::run_scenario(options, stdout);
  }
  if (std::strcmp(argv[1], "demo") == 0) return kervan::run_demo(stdout);
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
