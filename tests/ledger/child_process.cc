#include "tests/ledger/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <utility>

#include "core/assert.h"

namespace kervan::testing {

bool write_all(int fd, std::span<const uint8_t> bytes) {
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    written += static_cast<size_t>(n);
  }
  return true;
}

std::string_view read_outcome_name(ReadOutcome outcome) {
  switch (outcome) {
    case ReadOutcome::ok:
      return "ok";
    case ReadOutcome::end_of_file:
      return "end_of_file";
    case ReadOutcome::timed_out:
      return "timed_out";
    case ReadOutcome::failed:
      return "failed";
  }
  return "unknown";
}

ReadOutcome read_exact(int fd, std::span<uint8_t> out, int timeout_ms) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  size_t done = 0;
  while (done < out.size()) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return ReadOutcome::timed_out;
    pollfd watched{.fd = fd, .events = POLLIN, .revents = 0};
    const int ready = ::poll(&watched, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return ReadOutcome::failed;
    if (ready == 0) return ReadOutcome::timed_out;
    const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ReadOutcome::failed;
    if (n == 0) return ReadOutcome::end_of_file;
    done += static_cast<size_t>(n);
  }
  return ReadOutcome::ok;
}

Pipe::Pipe() {
  KERVAN_ASSERT(::pipe2(fds_, O_CLOEXEC) == 0);
}

Pipe::~Pipe() {
  close_read();
  close_write();
}

void Pipe::close_read() {
  if (fds_[0] >= 0) ::close(std::exchange(fds_[0], -1));
}

void Pipe::close_write() {
  if (fds_[1] >= 0) ::close(std::exchange(fds_[1], -1));
}

ChildProcess ChildProcess::spawn(const std::string& path, const std::vector<std::string>& args,
                                 int stdout_fd) {
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<std::string> strings;
  strings.push_back(path);
  strings.insert(strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  argv.reserve(strings.size() + 1);
  for (std::string& s : strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  KERVAN_ASSERT(pid >= 0);
  if (pid == 0) {
    if (::dup2(stdout_fd, STDOUT_FILENO) < 0) ::_exit(126);
    ::execv(path.c_str(), argv.data());
    ::_exit(127);
  }
  return ChildProcess(pid);
}

ChildProcess ChildProcess::fork_and_run(const std::function<int()>& body) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  KERVAN_ASSERT(pid >= 0);
  if (pid == 0) ::_exit(body());
  return ChildProcess(pid);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), reaped_(std::exchange(other.reaped_, true)) {}

ChildProcess::~ChildProcess() {
  if (pid_ <= 0 || reaped_) return;
  kill_now();
  (void)wait();
}

void ChildProcess::kill_now() {
  KERVAN_ASSERT(pid_ > 0 && !reaped_);
  (void)::kill(pid_, SIGKILL);
}

int ChildProcess::wait() {
  KERVAN_ASSERT(pid_ > 0 && !reaped_);
  int status = 0;
  pid_t done = -1;
  do {
    done = ::waitpid(pid_, &status, 0);
  } while (done < 0 && errno == EINTR);
  KERVAN_ASSERT(done == pid_);
  reaped_ = true;
  return status;
}

std::string describe_wait_status(int status) {
  if (WIFEXITED(status)) return "exited with " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped or unknown (status " + std::to_string(status) + ")";
}

}  // namespace kervan::testing
