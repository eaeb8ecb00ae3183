#include "networks/io/content_hash.hpp"

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <fstream>
#include <vector>

#include "networks/tensor.hpp"

namespace bbs::io {
namespace fs = std::filesystem;

struct ContentHasher::State {
  struct Free {
    void operator()(XXH3_state_t* state) const { XXH3_freeState(state); }
  };
  std::unique_ptr<XXH3_state_t, Free> xxh3{XXH3_createState()};
};

ContentHasher::ContentHasher() : state_(std::make_unique<State>()) {
  if (!state_->xxh3 || XXH3_128bits_reset(state_->xxh3.get()) != XXH_OK)
    throw Error("content hash: cannot allocate the XXH3 state");
}
ContentHasher::ContentHasher(ContentHasher&&) noexcept = default;
ContentHasher::~ContentHasher() = default;

void ContentHasher::update(const void* data, std::size_t bytes) {
  if (XXH3_128bits_update(state_->xxh3.get(), data, bytes) != XXH_OK)
    throw Error("content hash: XXH3 update failed");
}

namespace {

std::string hex(XXH128_hash_t hash) {
  std::array<char, 33> text{};
  std::snprintf(text.data(), text.size(), "%016llx%016llx",
                static_cast<unsigned long long>(hash.high64),
                static_cast<unsigned long long>(hash.low64));
  return text.data();
}

void hash_file(ContentHasher& hasher, const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path.string() + ": cannot read the file to hash its content");
  std::vector<char> block(std::size_t{1} << 20);
  while (in) {
    in.read(block.data(), std::streamsize(block.size()));
    hasher.update(block.data(), std::size_t(in.gcount()));
  }
  if (in.bad()) throw Error(path.string() + ": read error while hashing its content");
}

}  // namespace

std::string ContentHasher::hex_digest() const {
  return hex(XXH3_128bits_digest(state_->xxh3.get()));
}

std::string content_hash(std::string_view bytes) {
  return hex(XXH3_128bits(bytes.data(), bytes.size()));
}

std::string file_content_hash(const fs::path& path) {
  ContentHasher hasher;
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {
    hash_file(hasher, path);
  } else if (fs::is_directory(path, ec)) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::recursive_directory_iterator(path))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      const std::string name = fs::relative(file, path).generic_string();
      hasher.update(name.data(), name.size() + 1);  // with its NUL: names cannot run on
      hash_file(hasher, file);
    }
  } else {
    throw Error(path.string() + ": no such file or directory (expected a network or weight file)");
  }
  return hasher.hex_digest();
}

}  // namespace bbs::io
