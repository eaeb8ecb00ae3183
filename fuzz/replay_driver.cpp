// A plain driver for the LLVMFuzzerTestOneInput targets when libFuzzer is not used (g++ builds,
// CI): replays every file of the corpus folders, then runs seeded random mutations of them for a
// bounded time. A crash or an input running longer than the per-input limit stops the run with
// the input saved as "<target>-crash-<n>.bin" / "<target>-hang-<n>.bin" in the working folder.
//
// usage: fuzz_<target> CORPUS_DIR... [--seconds S] [--seed N] [--timeout S]
// Prints "<target>: <replayed> corpus inputs, <mutated> mutated inputs, 0 crashes, 0 hangs".
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Input = std::vector<std::uint8_t>;

constexpr std::size_t kMaxInputBytes = 1 << 20;

// The input being run, for the signal handlers (which may only use async-signal-safe calls).
const Input* g_current = nullptr;
char g_crash_path[512];
char g_hang_path[512];

void save_current(const char* path) {
  if (g_current == nullptr) return;
  const int fd = ::open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) return;
  [[maybe_unused]] const auto written = ::write(fd, g_current->data(), g_current->size());
  ::close(fd);
}

void report(const char* what, const char* path) {
  [[maybe_unused]] auto a = ::write(2, what, std::strlen(what));
  [[maybe_unused]] auto b = ::write(2, path, std::strlen(path));
  [[maybe_unused]] auto c = ::write(2, "\n", 1);
}

extern "C" void on_crash(int signal_number) {
  save_current(g_crash_path);
  report("fuzz: crash (signal) on the input saved as ", g_crash_path);
  std::signal(signal_number, SIG_DFL);
  std::raise(signal_number);
}

extern "C" void on_hang(int) {
  save_current(g_hang_path);
  report("fuzz: hang (per-input time limit) on the input saved as ", g_hang_path);
  ::_exit(3);
}

Input read_input(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  Input bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (bytes.size() > kMaxInputBytes) bytes.resize(kMaxInputBytes);
  return bytes;
}

// Text fragments that often reach edge cases in the loaders' formats (numbers, JSON, TOML).
const std::vector<std::string_view>& tokens() {
  static const std::vector<std::string_view> kTokens = {"0",
                                                        "-1",
                                                        "1e308",
                                                        "nan",
                                                        "-9223372036854775808",
                                                        "18446744073709551616",
                                                        "4294967296",
                                                        "[",
                                                        "]",
                                                        "{",
                                                        "}",
                                                        "\"",
                                                        "=",
                                                        ",",
                                                        "[]",
                                                        "{}",
                                                        "\n[",
                                                        "true",
                                                        "\"\"",
                                                        "999999999",
                                                        "\\u0000"};
  return kTokens;
}

class Mutator {
 public:
  explicit Mutator(std::uint64_t seed) : rng_(seed) {}

  Input mutate(const std::vector<Input>& corpus) {
    Input input = corpus[pick(corpus.size())];
    const int steps = 1 + int(pick(8));
    for (int i = 0; i < steps; ++i) step(input, corpus);
    if (input.size() > kMaxInputBytes) input.resize(kMaxInputBytes);
    return input;
  }

 private:
  std::size_t pick(std::size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  void step(Input& input, const std::vector<Input>& corpus) {
    const std::size_t at = pick(input.size() + 1);
    switch (pick(7)) {
      case 0:  // flip one bit
        if (!input.empty()) input[pick(input.size())] ^= std::uint8_t(1u << pick(8));
        break;
      case 1:  // overwrite a byte with a random or boundary value
        if (!input.empty()) {
          static constexpr std::uint8_t kBytes[] = {0, 1, 0x7f, 0x80, 0xff, '0', '9', '-'};
          input[pick(input.size())] =
              pick(2) == 0 ? std::uint8_t(pick(256)) : kBytes[pick(std::size(kBytes))];
        }
        break;
      case 2: {  // delete a range
        const std::size_t length =
            std::min(input.size() - std::min(at, input.size()), 1 + pick(16));
        input.erase(input.begin() + std::ptrdiff_t(std::min(at, input.size())),
                    input.begin() + std::ptrdiff_t(std::min(at + length, input.size())));
        break;
      }
      case 3: {  // insert a token
        const std::string_view token = tokens()[pick(tokens().size())];
        input.insert(input.begin() + std::ptrdiff_t(at), token.begin(), token.end());
        break;
      }
      case 4: {  // duplicate a range in place
        if (input.empty()) break;
        const std::size_t from = pick(input.size());
        const std::size_t length = std::min(input.size() - from, 1 + pick(64));
        const Input piece(input.begin() + std::ptrdiff_t(from),
                          input.begin() + std::ptrdiff_t(from + length));
        input.insert(input.begin() + std::ptrdiff_t(std::min(at, input.size())), piece.begin(),
                     piece.end());
        break;
      }
      case 5: {  // splice: the tail of another corpus entry
        const Input& other = corpus[pick(corpus.size())];
        input.resize(std::min(at, input.size()));
        const std::size_t from = pick(other.size() + 1);
        input.insert(input.end(), other.begin() + std::ptrdiff_t(from), other.end());
        break;
      }
      default: {  // replace a run of digits with a token
        const auto digit =
            std::find_if(input.begin() + std::ptrdiff_t(std::min(at, input.size())), input.end(),
                         [](std::uint8_t c) { return c >= '0' && c <= '9'; });
        const auto end =
            std::find_if(digit, input.end(), [](std::uint8_t c) { return c < '0' || c > '9'; });
        const std::string_view token = tokens()[pick(tokens().size())];
        const auto where = input.erase(digit, end);
        input.insert(where, token.begin(), token.end());
        break;
      }
    }
  }

  std::mt19937_64 rng_;
};

int run_one(const Input& input, unsigned timeout_seconds) {
  g_current = &input;
  ::alarm(timeout_seconds);
  LLVMFuzzerTestOneInput(input.data(), input.size());
  ::alarm(0);
  g_current = nullptr;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string target = std::filesystem::path(argv[0]).filename().string();
  std::vector<std::filesystem::path> dirs;
  double seconds = 10;
  std::uint64_t seed = 1;
  unsigned timeout_seconds = 10;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--seconds" && i + 1 < argc) {
      seconds = std::atof(argv[++i]);
    } else if (arg == "--seed" && i + 1 < argc) {
      seed = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--timeout" && i + 1 < argc) {
      timeout_seconds = unsigned(std::atoi(argv[++i]));
    } else {
      dirs.emplace_back(arg);
    }
  }
  std::snprintf(g_crash_path, sizeof g_crash_path, "%s-crash-%llu.bin", target.c_str(),
                static_cast<unsigned long long>(seed));
  std::snprintf(g_hang_path, sizeof g_hang_path, "%s-hang-%llu.bin", target.c_str(),
                static_cast<unsigned long long>(seed));
  for (const int s : {SIGSEGV, SIGFPE, SIGABRT, SIGBUS, SIGILL}) std::signal(s, on_crash);
  std::signal(SIGALRM, on_hang);

  std::vector<Input> corpus;
  for (const auto& dir : dirs) {
    if (!std::filesystem::is_directory(dir)) {
      std::cerr << target << ": " << dir.string() << ": not a corpus folder\n";
      return 2;
    }
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(dir))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());  // a fixed order: runs repeat exactly
    for (const auto& file : files) corpus.push_back(read_input(file));
  }
  if (corpus.empty()) {
    std::cerr << target << ": the corpus is empty\n";
    return 2;
  }
  for (const Input& input : corpus) run_one(input, timeout_seconds);

  Mutator mutator(seed);
  const auto stop = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::size_t mutated = 0;
  while (std::chrono::steady_clock::now() < stop) {
    run_one(mutator.mutate(corpus), timeout_seconds);
    ++mutated;
  }
  std::cout << target << ": " << corpus.size() << " corpus inputs, " << mutated
            << " mutated inputs (seed " << seed << "), 0 crashes, 0 hangs\n";
  return 0;
}
