// Progress on stderr for long work: a single updating line when stderr is a terminal, silent
// otherwise (so logs and pipes stay clean).
#pragma once

#include <cstddef>
#include <string>

namespace bbs::app {

class Progress {
 public:
  explicit Progress(std::string what);
  ~Progress();
  void update(std::size_t done, std::size_t total, const std::string& item);

 private:
  std::string what_;
  bool enabled_;
  bool printed_ = false;
};

}  // namespace bbs::app
