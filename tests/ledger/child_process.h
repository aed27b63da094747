// Real processes for the store's tests: a pipe, reads from it that are bounded in time, and a
// child process that is killed and reaped whenever a test gives up on it. The pipe is the only
// synchronisation between parent and child: a message read is a fact the child reported.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

namespace kervan::testing {

// Writes every byte to `fd`, retrying short writes and EINTR. False on any other error (the
// reader is gone: EPIPE).
[[nodiscard]] bool write_all(int fd, std::span<const uint8_t> bytes);

enum class ReadOutcome : uint8_t {
  ok = 0,
  end_of_file = 1,  // The writer closed (the child exited or died) before a whole read.
  timed_out = 2,
  failed = 3,  // An error of read or poll.
};
std::string_view read_outcome_name(ReadOutcome outcome);

// Reads exactly `out.size()` bytes, waiting at most `timeout_ms` for all of them.
[[nodiscard]] ReadOutcome read_exact(int fd, std::span<uint8_t> out, int timeout_ms);

// A pipe whose ends are closed on exec and on destruction.
class Pipe {
 public:
  Pipe();
  ~Pipe();
  Pipe(const Pipe&) = delete;
  int read_fd() const { return fds_[0]; }
  int write_fd() const { return fds_[1]; }
  void close_read();
  void close_write();

 private:
  int fds_[2] = {-1, -1};
};

// A child process, killed (SIGKILL) and reaped on destruction unless already reaped.
class ChildProcess {
 public:
  // Forks and execs `path` with `args` (argv[1] on), its stdout on `stdout_fd`.
  // REQUIRES: the calling process has no other threads (fork copies only the caller's).
  static ChildProcess spawn(const std::string& path, const std::vector<std::string>& args,
                            int stdout_fd);
  // Forks and runs `body` in the child, which then exits with its result (never returns).
  // REQUIRES: as for spawn.
  static ChildProcess fork_and_run(const std::function<int()>& body);

  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Sends SIGKILL (harmless when the child has exited but is not reaped yet).
  void kill_now();
  // Waits for the child to end; returns its waitpid status. REQUIRES: not reaped yet.
  int wait();

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// "exited with 0", "killed by signal 9", ...
std::string describe_wait_status(int status);

}  // namespace kervan::testing
