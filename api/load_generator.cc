#include "api/load_generator.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "api/client.h"
#include "api/server.h"
#include "core/bytes.h"
#include "core/random.h"
#include "ledger/record_coding.h"

namespace kervan {

namespace {

using Clock = std::chrono::steady_clock;
constexpr int reply_timeout_ms = 30'000;

struct ClientReport {
  uint64_t transfers_ok = 0;
  uint64_t transfers_failed = 0;
  uint64_t busy = 0;
  std::vector<uint32_t> latencies_us;  // One per request.
};

// A batch of single-phase transfers whose ids start at `first_id`, encoded once; later
// batches only rewrite the ids.
std::vector<uint8_t> template_batch(uint32_t size, uint32_t accounts, uint64_t seed) {
  SplitMix64 random(seed);
  std::vector<uint8_t> body(size_t{size} * 128);
  for (uint32_t i = 0; i < size; ++i) {
    Transfer t;
    t.debit_account_id = 1 + random.below(accounts);
    t.credit_account_id = 1 + (t.debit_account_id + random.below(accounts - 1)) % accounts;
    t.amount = 1 + random.below(100'000);
    t.ledger = 978;
    t.code = 1;
    encode_transfer(t, &body[size_t{i} * 128]);
  }
  return body;
}

void run_client(const LoadOptions& o, const std::string& endpoint, uint32_t index,
                uint64_t quota, Clock::time_point start, ClientReport* report) {
  Client client(endpoint);
  std::vector<uint8_t> body = template_batch(o.batch, o.accounts, 7 + index);
  std::map<uint64_t, Clock::time_point> sent_at;
  uint64_t sent = 0;
  uint64_t done = 0;
  uint64_t batch_number = 0;
  // Open loop: batch k of this client is due at start + k x interval, whatever the replies.
  const double interval_s = o.rate == 0 ? 0.0
                                        : static_cast<double>(o.batch) *
                                              static_cast<double>(o.clients) /
                                              static_cast<double>(o.rate);
  while (done < quota) {
    while (client.in_flight() < o.window && sent < quota) {
      const auto due = start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(
                                       interval_s * static_cast<double>(batch_number)));
      if (o.rate != 0 && Clock::now() < due) break;
      const uint32_t n = static_cast<uint32_t>(std::min<uint64_t>(o.batch, quota - sent));
      for (uint32_t i = 0; i < n; ++i) {
        store_u128_le(&body[size_t{i} * 128], make_u128(index + 1, sent + i + 1));
      }
      const uint64_t id =
          client.send(Operation::create_transfers, n, std::span(body).first(size_t{n} * 128));
      sent_at[id] = o.rate != 0 ? due : Clock::now();
      sent += n;
      batch_number += 1;
    }
    const std::optional<Reply> reply = client.receive(o.rate != 0 ? 1 : reply_timeout_ms);
    if (!reply) {
      if (o.rate == 0) break;  // Timed out: the run is reported as failed.
      continue;
    }
    if (reply->header.status == ProtocolStatus::busy) {
      report->busy += 1;
      client.resend_pending();
      continue;
    }
    const auto it = sent_at.find(reply->header.request_id);
    if (it == sent_at.end()) continue;
    report->latencies_us.push_back(static_cast<uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - it->second).count()));
    sent_at.erase(it);
    for (uint32_t i = 0; i < reply->header.count; ++i) {
      (reply->body[i] == 0 ? report->transfers_ok : report->transfers_failed) += 1;
    }
    done += reply->header.count;
  }
}

uint32_t percentile(std::vector<uint32_t>& values, double p) {
  if (values.empty()) return 0;
  const size_t at = std::min(values.size() - 1,
                             static_cast<size_t>(p * static_cast<double>(values.size())));
  std::nth_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(at), values.end());
  return values[at];
}

}  // namespace

int run_load(const LoadOptions& o, std::FILE* out) {
  std::string endpoint = o.endpoint;
  std::unique_ptr<Server> server;
  std::string folder;
  if (endpoint.empty()) {
    folder = o.store_path;
    if (folder.empty()) {
      std::string pattern = std::filesystem::temp_directory_path().string() + "/kervan-bench-XXXXXX";
      if (mkdtemp(pattern.data()) == nullptr) return 1;
      folder = pattern;
    }
    ServerOptions options;
    options.endpoint = "tcp://127.0.0.1:*";
    options.store = StoreOptions{
        .path = folder + "/store",
        .ledger = LedgerConfig{.accounts_max = o.accounts + 16,
                               .transfers_max = static_cast<uint32_t>(o.transfers + 16),
                               .failed_ids_max = 1 << 16,
                               .hash_seed = 1},
        .sync = o.sync,
        .checkpoint_interval_events = 0,
        .log = [](std::string_view) {}};
    options.log = [](std::string_view) {};
    options.insecure = true;  // In process, on loopback: the measurement is of the ledger path.
    if (const StoreStatus s = Server::open(options, &server); !s.ok()) {
      std::fprintf(out, "kervan bench: %s\n", s.to_string().c_str());
      return 1;
    }
    server->start();
    endpoint = server->endpoint();
  }
  {
    Client setup(endpoint);
    std::vector<Account> accounts;
    std::vector<CreateAccountResult> results;
    for (uint32_t id = 1; id <= o.accounts; ++id) {
      Account a;
      a.id = id;
      a.ledger = 978;
      a.code = 1;
      accounts.push_back(a);
      if (accounts.size() == batch_events_max || id == o.accounts) {
        if (setup.create_accounts(accounts, &results, reply_timeout_ms) != ProtocolStatus::ok) {
          std::fprintf(out, "kervan bench: creating accounts failed\n");
          return 1;
        }
        accounts.clear();
      }
    }
  }
  std::vector<ClientReport> reports(o.clients);
  std::vector<std::thread> threads;
  const Clock::time_point start = Clock::now();
  for (uint32_t c = 0; c < o.clients; ++c) {
    const uint64_t quota = o.transfers / o.clients + (c < o.transfers % o.clients ? 1 : 0);
    threads.emplace_back(run_client, std::cref(o), endpoint, c, quota, start, &reports[c]);
  }
  for (std::thread& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ClientReport total;
  for (ClientReport& r : reports) {
    total.transfers_ok += r.transfers_ok;
    total.transfers_failed += r.transfers_failed;
    total.busy += r.busy;
    total.latencies_us.insert(total.latencies_us.end(), r.latencies_us.begin(),
                              r.latencies_us.end());
  }
  const uint64_t acknowledged = total.transfers_ok + total.transfers_failed;
  std::fprintf(out,
               "kervan bench: %lu transfers acknowledged durable in %.3f s = %.0f transfers/s "
               "(batch %u, %u client(s), window %u, offered %s, sync %s)\n",
               static_cast<unsigned long>(acknowledged), seconds,
               static_cast<double>(acknowledged) / seconds, o.batch, o.clients, o.window,
               o.rate == 0 ? "as fast as possible" : (std::to_string(o.rate) + "/s").c_str(),
               std::string(sync_mode_name(o.sync)).c_str());
  std::fprintf(out, "  request latency: p50 %u us, p99 %u us, p100 %u us over %zu requests; "
                    "busy replies %lu; failed results %lu\n",
               percentile(total.latencies_us, 0.50), percentile(total.latencies_us, 0.99),
               percentile(total.latencies_us, 1.0), total.latencies_us.size(),
               static_cast<unsigned long>(total.busy),
               static_cast<unsigned long>(total.transfers_failed));
  if (server) {
    server->stop();
    server.reset();
    if (o.store_path.empty()) std::filesystem::remove_all(folder);
  }
  return acknowledged == o.transfers && total.transfers_failed == 0 ? 0 : 1;
}

}  // namespace kervan
