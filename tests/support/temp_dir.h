// A fresh folder under $TMPDIR (or /tmp), removed with everything in it on destruction: the
// one temporary folder every test uses.
#pragma once

#include <string>

namespace kervan::testing {

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string store() const { return path_ + "/store"; }

 private:
  std::string path_;
};

}  // namespace kervan::testing
