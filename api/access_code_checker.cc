#include "api/access_code_checker.h"

#include "core/password_hash.h"

namespace kervan {

AccessCodeChecker::AccessCodeChecker(std::function<void()> on_done)
    : on_done_(std::move(on_done)), thread_([this] { run(); }) {}

AccessCodeChecker::~AccessCodeChecker() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_one();
  thread_.join();
}

void AccessCodeChecker::submit(AccessCodeJob job) {
  {
    std::lock_guard lock(mutex_);
    todo_.push_back(std::move(job));
    outstanding_ += 1;
  }
  work_.notify_one();
}

std::vector<AccessCodeJob> AccessCodeChecker::take_done() {
  std::lock_guard lock(mutex_);
  std::vector<AccessCodeJob> done;
  done.swap(done_);
  outstanding_ -= done.size();
  return done;
}

size_t AccessCodeChecker::outstanding() const {
  std::lock_guard lock(mutex_);
  return outstanding_;
}

void AccessCodeChecker::run() {
  while (true) {
    AccessCodeJob job;
    {
      std::unique_lock lock(mutex_);
      work_.wait(lock, [this] { return stopping_ || !todo_.empty(); });
      if (todo_.empty()) return;  // Stopping, and nothing left.
      job = std::move(todo_.front());
      todo_.pop_front();
    }
    for (size_t i = 0; i < job.references; ++i) {
      job.valid[i] = false;
      if (job.codes[i].empty()) continue;
      for (size_t h = 0; h < job.hash_count[i] && !job.valid[i]; ++h) {
        job.valid[i] = verify_access_code(job.codes[i], job.hashes[i][h]);
      }
    }
    {
      std::lock_guard lock(mutex_);
      done_.push_back(std::move(job));
    }
    on_done_();
  }
}

}  // namespace kervan
