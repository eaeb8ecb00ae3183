// bbs-dse plot: figures from a result database. The drawing is plots/bbs_plot.py (matplotlib);
// this command checks the database first, so a missing, foreign or corrupt file gets the same
// errors as every other command, then runs the script and returns its exit status
// (0 written, 3 the database lacks the data a figure needs).
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "app/commands.hpp"
#include "dse/result_store.hpp"
#include "networks/tensor.hpp"

extern char** environ;

namespace bbs::app {
namespace {

namespace fs = std::filesystem;

std::string python_interpreter() {
  const char* override_path = std::getenv("BBS_DSE_PYTHON");
  return override_path != nullptr && *override_path != '\0' ? override_path : BBS_DSE_PYTHON;
}

// Runs argv[0] with `args`, waits, and returns its exit status.
int run_process(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (const int rc = posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ); rc != 0)
    throw Error("plot: cannot start " + args[0] + " (" + std::strerror(rc) +
                "); expected Debian's python3 with python3-matplotlib (scripts/setup.sh), or "
                "set BBS_DSE_PYTHON");
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) throw Error("plot: waiting for " + args[0] + " failed");
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  throw Error("plot: " + args[0] + " was killed by signal " + std::to_string(WTERMSIG(status)));
}

}  // namespace

int run_plot(const PlotOptions& options) {
  const fs::path db(options.db);
  std::error_code not_found;
  if (!fs::is_regular_file(db, not_found))
    throw Error("'" + db.string() + "': no such result database (make one with bbs-dse run)");
  {
    // Validates the file; a writable store of an older schema is migrated here, once. A file
    // that is not yet a store (empty) is refused, never given a schema.
    const auto mode = ::access(db.c_str(), W_OK) == 0 ? dse::ResultStore::Mode::ReadWrite
                                                      : dse::ResultStore::Mode::ReadOnly;
    dse::ResultStore::Options open_options;
    open_options.create = false;
    open_options.verify = dse::ResultStore::Verify::None;
    dse::ResultStore::open(db, mode, open_options);
  }
  // One folder per database by default, so that two databases' figures never overwrite each other.
  const fs::path out =
      options.out.empty() ? db.parent_path() / "figures" / db.stem() : fs::path(options.out);
  std::vector<std::string> args = {python_interpreter(),
                                   std::string(BBS_DSE_PLOTS_DIR) + "/bbs_plot.py",
                                   "--db",
                                   db.string(),
                                   "--figure",
                                   options.figure,
                                   "--out",
                                   out.string(),
                                   "--baseline",
                                   options.baseline,
                                   "--title",
                                   options.title,
                                   "--format",
                                   options.format};
  if (!options.campaign.empty()) args.insert(args.end(), {"--campaign", options.campaign});
  if (!options.network.empty()) args.insert(args.end(), {"--network", options.network});
  if (!options.width.empty()) args.insert(args.end(), {"--width", options.width});
  return run_process(args);
}

}  // namespace bbs::app
