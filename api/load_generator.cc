#include "api/load_generator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <deque>
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

enum Kind : uint8_t { single = 0, reserve = 1, release = 2, claim = 3, kinds = 4 };
constexpr std::array<std::string_view, kinds> kind_names{"single", "reserve", "release", "claim"};

struct ClientReport {
  uint64_t transfers_ok = 0;
  uint64_t transfers_failed = 0;
  uint64_t busy = 0;
  std::array<uint64_t, kinds> sent{};  // By kind, as sent.
  uint64_t fallbacks = 0;              // Releases and claims sent as reservations: none waiting.
  std::vector<uint32_t> latencies_us;  // One per request.
  std::vector<uint32_t> event_counts;  // Events of each of those requests.
};

// Builds the batches of a mixed workload: each slot's kind drawn from the mix; releases and
// claims take the oldest reservation acknowledged ok.
class MixedBatches {
 public:
  MixedBatches(const LoadOptions& o, uint64_t seed) : o_(o), random_(seed) {}
  // Fills body[0, n) with transfers whose ids are make_u128(client + 1, next_id + i); records
  // which slots are reservations (for acknowledge()).
  void build(uint32_t n, uint32_t client, uint64_t next_id, std::vector<uint8_t>& body,
             std::vector<std::pair<uint32_t, u128>>* reservations, ClientReport* report) {
    for (uint32_t i = 0; i < n; ++i) {
      Transfer t;
      t.id = make_u128(client + 1, next_id + i);
      const uint64_t draw = random_.below(100);
      Kind kind = draw < o_.mix_single                                    ? single
                  : draw < o_.mix_single + o_.mix_reserve                  ? reserve
                  : draw < o_.mix_single + o_.mix_reserve + o_.mix_release ? release
                                                                           : claim;
      if ((kind == release || kind == claim) && waiting_.empty()) {
        kind = reserve;
        report->fallbacks += 1;
      }
      report->sent[kind] += 1;
      if (kind == release || kind == claim) {
        t.pending_id = waiting_.front();
        waiting_.pop_front();
        t.flags = static_cast<uint16_t>(kind == release ? TransferFlags::void_pending_transfer
                                                        : TransferFlags::post_pending_transfer);
      } else {
        t.debit_account_id = 1 + random_.below(o_.accounts);
        t.credit_account_id = 1 + (t.debit_account_id + random_.below(o_.accounts - 1)) % o_.accounts;
        t.amount = 1 + random_.below(100'000);
        t.ledger = 978;
        t.code = 1;
        if (kind == reserve) {
          t.flags = static_cast<uint16_t>(TransferFlags::pending);
          reservations->push_back({i, t.id});
        }
      }
      encode_transfer(t, &body[size_t{i} * 128]);
    }
  }
  // The reply to a batch: its reservations that succeeded may now be released or claimed.
  void acknowledge(const std::vector<std::pair<uint32_t, u128>>& reservations,
                   std::span<const uint8_t> results) {
    for (const auto& [slot, id] : reservations) {
      if (slot < results.size() && results[slot] == 0) waiting_.push_back(id);
    }
  }

 private:
  const LoadOptions& o_;
  SplitMix64 random_;
  std::deque<u128> waiting_;
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

void run_client(const LoadOptions& o, const std::string& endpoint, const ClientSecurity& security,
                uint32_t index, uint64_t quota, Clock::time_point start, ClientReport* report) {
  Client client(endpoint, security);
  const bool mixed = o.mix_single != 100;
  std::vector<uint8_t> body = template_batch(o.batch, o.accounts, 7 + index);
  MixedBatches mix(o, 1'000 + index);
  std::map<uint64_t, std::vector<std::pair<uint32_t, u128>>> reservations_of;
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
      std::vector<std::pair<uint32_t, u128>> reservations;
      if (mixed) {
        mix.build(n, index, sent + 1, body, &reservations, report);
      } else {
        for (uint32_t i = 0; i < n; ++i) {
          store_u128_le(&body[size_t{i} * 128], make_u128(index + 1, sent + i + 1));
        }
        report->sent[single] += n;
      }
      const uint64_t id =
          client.send(Operation::create_transfers, n, std::span(body).first(size_t{n} * 128));
      if (!reservations.empty()) reservations_of[id] = std::move(reservations);
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
    report->event_counts.push_back(reply->header.count);
    sent_at.erase(it);
    if (const auto r = reservations_of.find(reply->header.request_id); r != reservations_of.end()) {
      mix.acknowledge(r->second, std::span(reply->body).first(reply->header.count));
      reservations_of.erase(r);
    }
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

// Percentiles of events rather than requests: each request's latency counts once per event.
struct EventPercentiles {
  uint32_t p50 = 0, p99 = 0, p100 = 0;
};
EventPercentiles event_percentiles(const std::vector<uint32_t>& latencies,
                                   const std::vector<uint32_t>& counts) {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  uint64_t total = 0;
  for (size_t i = 0; i < latencies.size() && i < counts.size(); ++i) {
    pairs.push_back({latencies[i], counts[i]});
    total += counts[i];
  }
  EventPercentiles p;
  if (pairs.empty()) return p;
  std::sort(pairs.begin(), pairs.end());
  auto at = [&](double q) {
    const uint64_t rank = std::min<uint64_t>(total - 1, static_cast<uint64_t>(q * static_cast<double>(total)));
    uint64_t seen = 0;
    for (const auto& [latency, count] : pairs) {
      seen += count;
      if (seen > rank) return latency;
    }
    return pairs.back().first;
  };
  p.p50 = at(0.50);
  p.p99 = at(0.99);
  p.p100 = pairs.back().first;
  return p;
}

}  // namespace

bool parse_mix(std::string_view text, LoadOptions* o) {
  std::array<uint32_t, kinds> share{};
  std::array<bool, kinds> seen{};
  while (!text.empty()) {
    const size_t comma = text.find(',');
    const std::string_view part = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    if (comma != std::string_view::npos && text.empty()) return false;  // "single:100,".
    const size_t colon = part.find(':');
    if (colon == std::string_view::npos) return false;
    const std::string_view name = part.substr(0, colon);
    const std::string_view digits = part.substr(colon + 1);
    uint32_t value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size() || value > 100) return false;
    size_t k = 0;
    while (k < kinds && kind_names[k] != name) ++k;
    if (k == kinds || seen[k]) return false;
    seen[k] = true;
    share[k] = value;
  }
  if (share[single] + share[reserve] + share[release] + share[claim] != 100) return false;
  o->mix_single = share[single];
  o->mix_reserve = share[reserve];
  o->mix_release = share[release];
  o->mix_claim = share[claim];
  return true;
}

int run_load(const LoadOptions& o, std::FILE* out) {
  std::string endpoint = o.endpoint;
  ClientSecurity security = o.security;
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
    // In process, on loopback. With --curve yes every message is encrypted and the clients are
    // admitted by the ZAP handler as an operator, as a deployed server would run.
    options.insecure = !o.curve;
    if (o.curve) {
      options.server_keys = generate_keypair();
      security.server_public_z85 = options.server_keys.public_z85;
      security.keys = generate_keypair();
      options.clients = {ClientEntry{security.keys.public_z85,
                                     Party{PartyId{1}, PartyRole::operator_, {}}}};
    }
    if (const StoreStatus s = Server::open(options, &server); !s.ok()) {
      std::fprintf(out, "kervan bench: %s\n", s.to_string().c_str());
      return 1;
    }
    server->start();
    endpoint = server->endpoint();
  }
  {
    Client setup(endpoint, security);
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
    threads.emplace_back(run_client, std::cref(o), endpoint, std::cref(security), c, quota, start,
                         &reports[c]);
  }
  for (std::thread& t : threads) t.join();
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ClientReport total;
  for (ClientReport& r : reports) {
    total.transfers_ok += r.transfers_ok;
    total.transfers_failed += r.transfers_failed;
    total.busy += r.busy;
    total.fallbacks += r.fallbacks;
    for (size_t k = 0; k < kinds; ++k) total.sent[k] += r.sent[k];
    total.event_counts.insert(total.event_counts.end(), r.event_counts.begin(),
                              r.event_counts.end());
    total.latencies_us.insert(total.latencies_us.end(), r.latencies_us.begin(),
                              r.latencies_us.end());
  }
  const uint64_t acknowledged = total.transfers_ok + total.transfers_failed;
  std::fprintf(out,
               "kervan bench: %lu transfers acknowledged durable in %.3f s = %.0f transfers/s "
               "(batch %u, %u client(s), window %u, offered %s, sync %s%s)\n",
               static_cast<unsigned long>(acknowledged), seconds,
               static_cast<double>(acknowledged) / seconds, o.batch, o.clients, o.window,
               o.rate == 0 ? "as fast as possible" : (std::to_string(o.rate) + "/s").c_str(),
               std::string(sync_mode_name(o.sync)).c_str(),
               security.server_public_z85.empty() ? ", plain" : ", CURVE");
  const EventPercentiles events = event_percentiles(total.latencies_us, total.event_counts);
  std::fprintf(out, "  mix: single %lu, reserve %lu, release %lu, claim %lu (fallbacks to reserve "
                    "%lu)\n",
               static_cast<unsigned long>(total.sent[single]),
               static_cast<unsigned long>(total.sent[reserve]),
               static_cast<unsigned long>(total.sent[release]),
               static_cast<unsigned long>(total.sent[claim]),
               static_cast<unsigned long>(total.fallbacks));
  std::fprintf(out, "  event latency: p50 %u us, p99 %u us, p100 %u us\n", events.p50, events.p99,
               events.p100);
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
