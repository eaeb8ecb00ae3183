// bbs-dse run: evaluates a campaign's design points into a SQLite result database.
//   points = the campaign's design space (grid, or seeded random sample), this shard's share
//   per workload: profiles once per design needs, points evaluated on --jobs threads in batches,
//   each batch (points with their per-layer rows) committed in one transaction
// Points already in the database are skipped, so an interrupted run resumes where it stopped and
// ends with exactly what an uninterrupted run writes. Ctrl-C stops after the current batch.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <limits>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

#include "app/commands.hpp"
#include "app/point_evaluation.hpp"
#include "app/progress.hpp"
#include "app/simulation.hpp"
#include "dse/campaign.hpp"
#include "dse/design_space.hpp"
#include "dse/nsga2.hpp"
#include "dse/result_store.hpp"
#include "model/accel/hardware_config.hpp"
#include "model/bbs/parallel.hpp"

namespace bbs::app {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted = true; }

dse::CampaignSpec campaign_of(const std::string& name_or_file) {
  if (std::filesystem::exists(name_or_file)) return dse::load_campaign(name_or_file);
  if (name_or_file.ends_with(".toml")) throw Error(name_or_file + ": no such campaign file");
  return dse::builtin_campaign(name_or_file);
}

std::string workload_json(const dse::WorkloadSpec& w) {
  return nlohmann::json{
      {"network", w.network}, {"weights", w.weights},       {"seed", w.seed},
      {"batch", w.batch},     {"image_size", w.image_size}, {"seq_len", w.sequence_length},
      {"phase", w.phase},     {"kv_length", w.kv_length}}
      .dump();
}

// Whether every one of `points` of workload `w` is already stored (a stored workload is found
// by its description, before its weights are loaded).
bool all_stored(const dse::ResultStore& store, std::int64_t campaign_id, const dse::WorkloadSpec& w,
                const std::vector<dse::DesignPoint>& points) {
  if (points.empty()) return true;
  const std::string description = workload_json(w);
  for (const dse::WorkloadRecord& stored : store.workloads(campaign_id))
    if (stored.workload_json == description) {
      const auto keys = store.point_keys(campaign_id, stored.id);
      return std::all_of(points.begin(), points.end(),
                         [&](const dse::DesignPoint& p) { return keys.count(p.key) > 0; });
    }
  return false;
}

}  // namespace

namespace {

double objective(const dse::PointRecord& p, const std::string& name) {
  if (p.status != dse::PointStatus::Done) return std::numeric_limits<double>::infinity();
  if (name == "latency") return p.time_s;
  if (name == "energy") return p.energy_pj;
  if (name == "edp") return p.energy_pj * p.time_s;
  if (name == "area") return p.area_mm2;
  return -1.0 / (p.time_s * p.area_mm2);  // throughput_per_area, maximised
}

// One workload of a running campaign: evaluates points (skipping stored ones), writes each batch
// in one transaction, reports progress.
class WorkloadRun {
 public:
  WorkloadRun(dse::ResultStore& store, const dse::CampaignSpec& spec, std::int64_t campaign_id,
              std::size_t workload, const accel::Fidelity& fidelity, int jobs)
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
    workload_id_ =
        store.add_workload({0, campaign_id, w.network, network_->loaded.weights->description(),
                            network_->loaded.weights->synthetic(), workload_json(w)},
                           workload_layers(*network_));
    for (auto& p : store.points(campaign_id))
      if (p.workload_id == workload_id_) known_.emplace(p.point_key, std::move(p));
  }

  // The records of `points` in order: stored ones read back, the others evaluated on the
  // thread pool and written in one transaction.
  std::vector<dse::PointRecord> evaluate(const std::vector<dse::DesignPoint>& points) {
    std::vector<const dse::DesignPoint*> fresh;
    for (const auto& p : points)
      if (!known_.count(p.key) &&
          std::none_of(fresh.begin(), fresh.end(), [&](auto* f) { return f->key == p.key; }))
        fresh.push_back(&p);
    prepare_point_profiles(*network_, fresh, fidelity_, jobs_);
    std::vector<dse::PointWithLayers> batch(fresh.size());
    parallel_for(std::int64_t(fresh.size()), jobs_, [&](std::int64_t a, std::int64_t b) {
      for (std::int64_t i = a; i < b; ++i)
        batch[std::size_t(i)] = evaluate_point(*network_, *fresh[std::size_t(i)], fidelity_, spec_,
                                               campaign_id_, workload_id_);
    });
    written += store_.add_points(batch);
    for (auto& b : batch) known_.emplace(b.point.point_key, std::move(b.point));
    std::vector<dse::PointRecord> records;
    for (const auto& p : points) records.push_back(known_.at(p.key));
    return records;
  }

  std::size_t written = 0;
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
    std::vector<int> radix;
    for (const auto& axis : spec.designs[d].axes) radix.push_back(int(axis.values.size()));
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
        for (const auto& name : spec.objectives) o.push_back(objective(record, name));
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
  const dse::CampaignSpec spec = campaign_of(options.campaign);
  const std::filesystem::path db = options.db.empty()
                                       ? std::filesystem::path("results") / (spec.name + ".db")
                                       : std::filesystem::path(options.db);
  if (db.has_parent_path()) std::filesystem::create_directories(db.parent_path());
  dse::ResultStore store = dse::ResultStore::open(db);
  const std::int64_t campaign_id = store.add_campaign(
      {0, spec.name, spec.text, spec.hash, kToolVersion, BBS_DSE_GIT_REVISION, ""});
  const dse::DesignSpace space(spec);
  const dse::Shard shard = dse::Shard::parse(options.shard);
  const bool evolutionary = spec.strategy.kind == dse::StrategyKind::Nsga2;
  if (evolutionary && shard.count > 1)
    throw Error(spec.source + ": an NSGA-II search runs as one job; use grid or random to shard");
  const std::vector<std::int64_t> planned =
      evolutionary ? std::vector<std::int64_t>{} : dse::planned_points(space, spec.strategy, shard);
  const accel::Fidelity fidelity = accel::parse_fidelity(spec.profile, spec.defects);

  std::signal(SIGINT, on_interrupt);
  Progress progress("run " + spec.name);
  const auto start = std::chrono::steady_clock::now();
  std::size_t done = 0, written = 0;
  int profiles_loaded = 0, profiles_computed = 0;
  for (std::size_t w = 0; w < spec.workloads.size() && !g_interrupted; ++w) {
    std::vector<dse::DesignPoint> todo;
    for (std::int64_t ordinal : planned)
      if (dse::DesignPoint p = space.at(ordinal); p.workload == w) todo.push_back(std::move(p));
    if (!evolutionary && all_stored(store, campaign_id, spec.workloads[w], todo)) {
      done += todo.size();
      continue;  // resumed: nothing left here, and the network need not be loaded
    }
    WorkloadRun run(store, spec, campaign_id, w, fidelity, options.jobs);
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
      progress.update(
          done, planned.size(),
          std::to_string(int(rate)) + " points/s, ETA " + std::to_string(int(eta_s)) + " s");
    }
    written += run.written;
    profiles_loaded += run.profiles_loaded();
    profiles_computed += run.profiles_computed();
  }
  std::cerr << "run " << spec.name << ": profiles " << profiles_computed << " computed, "
            << profiles_loaded << " read from the database\n";
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
  return g_interrupted ? 130 : 0;
}

}  // namespace bbs::app
