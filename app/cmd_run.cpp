// bbs-dse run: evaluates a campaign's design points into a SQLite result database.
//   points = the campaign's design space (grid, or seeded random sample), this shard's share
//   per workload: profiles once per design needs, points evaluated on --jobs threads in batches,
//   each batch (points with their per-layer rows) committed in one transaction
// Points already in the database are skipped, so an interrupted run resumes where it stopped and
// ends with exactly what an uninterrupted run writes. Ctrl-C stops after the current batch.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>

#include "app/campaign_check.hpp"
#include "app/cmd_networks.hpp"
#include "app/commands.hpp"
#include "app/point_evaluation.hpp"
#include "app/progress.hpp"
#include "app/run_outcome.hpp"
#include "app/simulation.hpp"
#include "app/workload_identity.hpp"
#include "dse/campaign.hpp"
#include "dse/design_space.hpp"
#include "dse/nsga2.hpp"
#include "dse/objective.hpp"
#include "dse/result_store.hpp"
#include "model/accel/hardware_config.hpp"
#include "core/parallel.hpp"

namespace bbs::app {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted = true; }

dse::CampaignSpec campaign_of(const std::string& name_or_file) {
  std::error_code not_found;  // e.g. a name too long for a path: not a file then
  if (name_or_file.ends_with(".toml") || std::filesystem::exists(name_or_file, not_found))
    return dse::load_campaign(name_or_file);
  return dse::builtin_campaign(name_or_file);
}

// Whether every one of `points` of a workload is already stored (a stored workload is found by
// its identity, before its weights are loaded).
bool all_stored(const dse::ResultStore& store, std::int64_t campaign_id,
                const WorkloadIdentity& identity, const std::vector<dse::DesignPoint>& points) {
  if (points.empty()) return true;
  for (const dse::WorkloadRecord& stored : store.workloads(campaign_id))
    if (stored.content_hash == identity.content_hash) {
      const auto keys = store.point_keys(campaign_id, stored.id);
      return std::all_of(points.begin(), points.end(),
                         [&](const dse::DesignPoint& p) { return keys.count(p.key) > 0; });
    }
  return false;
}

}  // namespace

namespace {

// One workload of a running campaign: evaluates points (skipping stored ones), writes each batch
// in one transaction, reports progress.
class WorkloadRun {
 public:
  WorkloadRun(dse::ResultStore& store, const dse::CampaignSpec& spec, std::int64_t campaign_id,
              std::size_t workload, const WorkloadIdentity& identity,
              const accel::Fidelity& fidelity, int jobs)
      : store_(store),
        spec_(spec),
        campaign_id_(campaign_id),
        fidelity_(fidelity),
        jobs_(jobs),
        network_(prepare_network(workload_options(spec.workloads[workload]), jobs)) {
    network_->load_profiles = [this](const std::string& key) {
      std::lock_guard<std::mutex> lock(store_mutex_);
      return store_.cached_profile(key);
    };
    network_->save_profiles = [this](const std::string& key, const std::string& blob) {
      std::lock_guard<std::mutex> lock(store_mutex_);
      store_.store_profile(key, blob);
    };
    const dse::WorkloadSpec& w = spec.workloads[workload];
    dse::WorkloadRecord record;
    record.campaign_id = campaign_id;
    record.network = network_display_name(w.network);
    record.weights_source = network_->loaded.weights->description();
    record.synthetic = network_->loaded.weights->synthetic();
    record.workload_json = identity.description;
    record.content_hash = identity.content_hash;
    record.weights_origin = network_->weights_kind;
    record.act_stats_source = accel::summarize_sources(network_->workload.activations);
    workload_id_ = store.add_workload(record, workload_layers(*network_));
    for (auto& p : store.points(campaign_id))
      if (p.workload_id == workload_id_) known_.emplace(p.point_key, std::move(p));
  }

  // The records of `points` in order: stored ones read back, the others evaluated on the
  // thread pool and written in one transaction. A point that meets a transient failure (disk
  // full, database locked) is not written: its record says failed for this run only, and the
  // next run evaluates it again.
  std::vector<dse::PointRecord> evaluate(const std::vector<dse::DesignPoint>& points) {
    std::vector<const dse::DesignPoint*> fresh;
    for (const auto& p : points)
      if (!known_.count(p.key) &&
          std::none_of(fresh.begin(), fresh.end(), [&](auto* f) { return f->key == p.key; }))
        fresh.push_back(&p);
    prepare_point_profiles(*network_, fresh, fidelity_, jobs_);
    std::vector<dse::PointWithLayers> batch(fresh.size());
    std::vector<std::string> transient(fresh.size());
    parallel_for(std::int64_t(fresh.size()), jobs_, [&](std::int64_t a, std::int64_t b) {
      for (auto i = std::size_t(a); i < std::size_t(b); ++i) {
        try {
          batch[i] =
              evaluate_point(*network_, *fresh[i], fidelity_, spec_, campaign_id_, workload_id_);
        } catch (const dse::TransientError& e) {
          transient[i] = e.what();
        }
      }
    });
    std::vector<dse::PointWithLayers> lasting;
    std::map<std::string, dse::PointRecord> retried;
    for (std::size_t i = 0; i < fresh.size(); ++i) {
      if (transient[i].empty()) {
        lasting.push_back(std::move(batch[i]));
        continue;
      }
      transient_failures.push_back(transient[i]);
      dse::PointRecord& failed = retried[fresh[i]->key];
      failed.point_key = fresh[i]->key;
      failed.status = dse::PointStatus::Failed;
    }
    written += store_.add_points(lasting);
    for (auto& b : lasting) known_.emplace(b.point.point_key, std::move(b.point));
    std::vector<dse::PointRecord> records;
    for (const auto& p : points)
      records.push_back(retried.count(p.key) ? retried.at(p.key) : known_.at(p.key));
    return records;
  }

  // Distributed profiling: the profiles of `shard`'s tensors under every point's design needs,
  // into the profile cache; no point is evaluated. Returns the tensors profiled.
  std::size_t profile_only(const std::vector<dse::DesignPoint>& points, const dse::Shard& shard) {
    network_->profile_shard.assign(network_->tensors->size(), false);
    for (std::size_t t = 0; t < network_->tensors->size(); ++t)
      network_->profile_shard[t] = shard.owns(std::int64_t(t));
    std::vector<const dse::DesignPoint*> all;
    for (const auto& p : points) all.push_back(&p);
    prepare_point_profiles(*network_, all, fidelity_, jobs_);
    return std::size_t(
        std::count(network_->profile_shard.begin(), network_->profile_shard.end(), true));
  }

  std::size_t written = 0;
  const PreparedNetwork& network() const { return *network_; }
  std::vector<std::string> transient_failures;  // reasons, one per point not stored
  int profiles_loaded() const { return network_->profiles_loaded; }
  int profiles_computed() const { return network_->profiles_computed; }

 private:
  std::mutex store_mutex_;  // profile cache calls come from the worker threads
  dse::ResultStore& store_;
  const dse::CampaignSpec& spec_;
  std::int64_t campaign_id_, workload_id_ = 0;
  accel::Fidelity fidelity_;
  int jobs_;
  std::unique_ptr<PreparedNetwork> network_;
  std::map<std::string, dse::PointRecord> known_;
};

// NSGA-II over each design's axes (bbs::dse::nsga2); every evaluated point lands in the database.
void search(WorkloadRun& run, const dse::DesignSpace& space, const dse::CampaignSpec& spec,
            std::size_t workload) {
  for (std::size_t d = 0; d < spec.designs.size() && !g_interrupted; ++d) {
    std::vector<std::int64_t> radix;
    for (const auto& axis : spec.designs[d].axes) radix.push_back(axis.size());
    const std::optional<std::int64_t> first = space.first_ordinal(workload, d);
    if (!first) continue;  // the design does not apply to this workload
    auto evaluate = [&](const std::vector<dse::Genome>& genomes) {
      std::vector<dse::DesignPoint> points;
      for (const auto& g : genomes) {
        std::int64_t offset = 0;
        for (std::size_t i = 0; i < g.size(); ++i) offset = offset * radix[i] + g[i];
        points.push_back(space.at(*first + offset));
      }
      std::vector<dse::Objectives> objectives;
      for (const auto& record : run.evaluate(points)) {
        dse::Objectives o;
        for (const auto& name : spec.objectives)
          o.push_back(dse::objective_cost(*dse::find_objective(name), record));
        objectives.push_back(std::move(o));
      }
      return objectives;
    };
    dse::nsga2(radix, {spec.strategy.population, spec.strategy.generations, spec.strategy.seed},
               evaluate);
  }
}

}  // namespace

int run_campaign(const RunOptions& options) {
  // Everything the campaign asks for is checked before the database is opened or created.
  const dse::CampaignSpec spec = campaign_of(options.campaign);
  check_campaign(spec);
  const dse::DesignSpace space(spec);
  const dse::Shard shard = dse::Shard::parse(options.shard);
  const bool evolutionary = spec.strategy.kind == dse::StrategyKind::Nsga2;
  if (evolutionary && shard.count > 1)
    throw Error(spec.source + ": an NSGA-II search runs as one job; use grid or random to shard");
  const bool profiling = !options.profile_shard.empty();
  const dse::Shard tensors = dse::Shard::parse(profiling ? options.profile_shard : "1/1");
  if (profiling && (evolutionary || shard.count > 1))
    throw Error("--profile-shard " + options.profile_shard +
                ": profiles the tensors every point of a grid or random campaign needs; it "
                "cannot be combined with --shard or an NSGA-II search");
  std::vector<std::int64_t> planned;
  if (!evolutionary) {
    try {
      planned = dse::planned_points(space, spec.strategy, shard);
    } catch (const Error& e) {
      throw Error(spec.source + ": " + e.what());
    }
  }
  const accel::Fidelity fidelity = accel::parse_fidelity(spec.profile, spec.defects);
  const std::filesystem::path db = options.db.empty()
                                       ? std::filesystem::path("results") / (spec.name + ".db")
                                       : std::filesystem::path(options.db);
  if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path());
  dse::ResultStore store = dse::ResultStore::open(db);
  const std::int64_t campaign_id = store.add_campaign(
      {0, spec.name, spec.text, spec.hash, kToolVersion, BBS_DSE_GIT_REVISION, ""});
  if (const std::int64_t retried = store.drop_transient_failures(campaign_id))
    std::cerr << "run " << spec.name << ": " << retried
              << " points stored as failed for a transient reason (disk full, locked, I/O) are "
                 "evaluated again\n";

  std::signal(SIGINT, on_interrupt);
  Progress progress("run " + spec.name);
  const auto start = std::chrono::steady_clock::now();
  std::size_t done = 0, written = 0;
  std::vector<std::string> transient_failures;
  int profiles_loaded = 0, profiles_computed = 0;
  std::vector<std::string> weights_lines;  // per workload: its weights and how they became int8
  for (std::size_t w = 0; w < spec.workloads.size() && !g_interrupted; ++w) {
    std::vector<dse::DesignPoint> todo;
    for (std::int64_t ordinal : planned)
      if (dse::DesignPoint p = space.at(ordinal); p.workload == w) todo.push_back(std::move(p));
    const WorkloadIdentity identity = workload_identity(spec.workloads[w]);
    if (profiling) {
      WorkloadRun run(store, spec, campaign_id, w, identity, fidelity, options.jobs);
      const std::size_t profiled = run.profile_only(todo, tensors);
      std::cerr << "run " << spec.name << ": profile shard " << options.profile_shard << ": "
                << spec.workloads[w].network << ": " << profiled << " of "
                << run.network().tensors->size() << " weight tensors profiled for "
                << run.profiles_computed() << " design needs\n";
      profiles_computed += run.profiles_computed();
      continue;
    }
    if (!evolutionary && all_stored(store, campaign_id, identity, todo)) {
      done += todo.size();
      continue;  // resumed: nothing left here, and the network need not be loaded
    }
    WorkloadRun run(store, spec, campaign_id, w, identity, fidelity, options.jobs);
    const std::string weights = spec.workloads[w].network + " weights " +
                                run.network().loaded.weights->description() + ": " +
                                run.network().weights_kind;
    weights_lines.push_back(weights);
    if (evolutionary) search(run, space, spec, w);
    const std::size_t batch_size = std::size_t(std::max(1, options.jobs)) * 8;
    for (std::size_t first = 0; first < todo.size() && !g_interrupted; first += batch_size) {
      const std::size_t count = std::min(batch_size, todo.size() - first);
      run.evaluate(
          {todo.begin() + std::ptrdiff_t(first), todo.begin() + std::ptrdiff_t(first + count)});
      done += count;
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double rate = double(done) / std::max(seconds, 1e-9);
      const double eta_s = double(planned.size() - done) / std::max(rate, 1e-9);
      progress.update(done, planned.size(),
                      weights + "; " + std::to_string(int(rate)) + " points/s, ETA " +
                          std::to_string(int(eta_s)) + " s");
    }
    written += run.written;
    transient_failures.insert(transient_failures.end(), run.transient_failures.begin(),
                              run.transient_failures.end());
    profiles_loaded += run.profiles_loaded();
    profiles_computed += run.profiles_computed();
  }
  for (const std::string& line : weights_lines)
    std::cerr << "run " << spec.name << ": " << line << '\n';
  std::cerr << "run " << spec.name << ": profiles " << profiles_computed << " computed, "
            << profiles_loaded << " read from the database\n";
  if (profiling) {  // nothing evaluated: the profile cache is the result
    std::cerr << "run " << spec.name << ": profile shard " << options.profile_shard
              << " written to " << db.string() << " (merge the shards, then run the campaign)\n";
    return g_interrupted ? 130 : 0;
  }
  std::cerr << "run " << spec.name << ": " << written << " new points in " << db.string()
            << (g_interrupted ? " (interrupted: run again to resume)" : "") << '\n';
  // The human lines above are the table form; json and csv also get the summary on stdout.
  if (parse_output_format(options.report.format) != OutputFormat::Table) {
    Table summary("run", {{"campaign"},
                          {"db"},
                          {"new_points"},
                          {"profiles_computed"},
                          {"profiles_read"},
                          {"interrupted"}});
    summary.add_row({spec.name, db.string(), std::int64_t(written), std::int64_t(profiles_computed),
                     std::int64_t(profiles_loaded), bool(g_interrupted)});
    print_tables(std::cout, {summary}, options.report);
  }
  if (g_interrupted) return 130;
  return report_outcome(std::cerr, spec.name, store.points(campaign_id), transient_failures);
}

}  // namespace bbs::app
