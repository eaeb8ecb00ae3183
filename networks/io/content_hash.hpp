// Content hashes: the identity of the files a result was computed from (a campaign workload's
// network and weight files). XXH3-128 (xxhash.com, Debian libxxhash-dev) read in 1 MiB blocks:
// hashing runs at memory / page-cache speed (bench/bench_hash.cpp), so a multi-GB checkpoint
// costs a fraction of the time its weights take to load.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace bbs::io {

// XXH3-128 over bytes given in pieces (the same digest as over their concatenation).
class ContentHasher {
 public:
  ContentHasher();
  ContentHasher(ContentHasher&&) noexcept;
  ~ContentHasher();
  void update(const void* data, std::size_t bytes);
  std::string hex_digest() const;  // 32 hex digits

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// 32 hex digits of XXH3-128 over `bytes`.
std::string content_hash(std::string_view bytes);

// The hash of a file's bytes; of a directory (a sharded checkpoint), of every regular file in it,
// sorted by relative path, each path hashed with its content. Errors name the path.
std::string file_content_hash(const std::filesystem::path& path);

}  // namespace bbs::io
