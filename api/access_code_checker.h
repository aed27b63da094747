// Checks the access codes a declaration carries against its guarantees' stored Argon2id hashes,
// on a thread of its own: one check takes tens of milliseconds (by design: core/password_hash.h),
// and the server's loop must not stall for it. The loop hands over a job with copies of the
// hashes (the ledger is the loop's alone) and goes on; the checker computes, queues the job
// back and calls on_done (which wakes the loop); the loop takes the finished jobs, in the order
// they were submitted, and applies each declaration with the verdicts.
#pragma once

#include <array>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "ledger/transit/transit_types.h"

namespace kervan {

struct AccessCodeJob {
  uint64_t ticket = 0;  // The submitter's, to find its request again.
  uint8_t references = 0;
  // Per guarantee reference: the code given ("" for none) and the guarantee's stored hashes.
  std::array<std::string, guarantee_references_max> codes{};
  std::array<uint8_t, guarantee_references_max> hash_count{};
  std::array<std::array<AccessCodeHash, access_codes_max>, guarantee_references_max> hashes{};
  // The verdicts: the code matches one of the hashes.
  std::array<bool, guarantee_references_max> valid{};
};

class AccessCodeChecker {
 public:
  explicit AccessCodeChecker(std::function<void()> on_done);
  ~AccessCodeChecker();  // Finishes the jobs submitted, then joins.
  AccessCodeChecker(const AccessCodeChecker&) = delete;

  void submit(AccessCodeJob job);
  // The jobs finished since the last call, in submission order.
  std::vector<AccessCodeJob> take_done();
  // Jobs submitted and not yet taken back.
  size_t outstanding() const;

 private:
  void run();

  std::function<void()> on_done_;
  mutable std::mutex mutex_;
  std::condition_variable work_;
  std::deque<AccessCodeJob> todo_;
  std::vector<AccessCodeJob> done_;
  size_t outstanding_ = 0;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace kervan
