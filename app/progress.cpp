#include "app/progress.hpp"

#include <unistd.h>

#include <cstdio>

namespace bbs::app {

Progress::Progress(std::string what) : what_(std::move(what)), enabled_(isatty(STDERR_FILENO)) {}

Progress::~Progress() {
  if (printed_) std::fputs("\r\033[K", stderr);
}

void Progress::update(std::size_t done, std::size_t total, const std::string& item) {
  if (!enabled_) return;
  std::fprintf(stderr, "\r\033[K%s [%zu/%zu] %s", what_.c_str(), done, total, item.c_str());
  std::fflush(stderr);
  printed_ = true;
}

}  // namespace bbs::app
