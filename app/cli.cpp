// The bbs-dse command line. This is the only translation unit that includes CLI11 (it is slow to
// compile); each subcommand's work lives in its own cmd_*.cpp behind app/commands.hpp.
#include <CLI/CLI.hpp>
#include <iostream>

#include "app/cmd_networks.hpp"
#include "app/commands.hpp"
#include "dse/campaign.hpp"
#include "dse/objective.hpp"
#include "networks/tensor.hpp"

namespace bbs::app {
namespace {

std::string join_names(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

void add_format_option(CLI::App& cmd, std::string& format) {
  // Checked while parsing, before any work, with the program's own error (exit 2).
  cmd.add_option("--format", format, "Output format: table, json or csv (docs/output.md)")
      ->each([](const std::string& text) { parse_output_format(text); })
      ->capture_default_str();
}

// --format, --table and --columns (or --output-columns where --columns means pruned columns).
void add_output_options(CLI::App& cmd, OutputOptions& o) {
  add_format_option(cmd, o.format);
  cmd.add_option("--table", o.table,
                 "Print only this table (by its key; CSV holds one table, default the first)");
  const bool columns_free = cmd.get_option_no_throw("--columns") == nullptr;
  cmd.add_option(columns_free ? "--columns,--output-columns" : "--output-columns", o.columns,
                 "Print only these columns, e.g. network,time_s,energy_pj")
      ->delimiter(',');
}

// --activations FILE and --relu-density D (docs/networks.md, Activation statistics).
void add_activation_options(CLI::App& cmd, std::string& activations,
                            std::optional<double>& relu_density, const std::string& scope) {
  cmd.add_option("--activations", activations,
                 "safetensors file: layer name -> a sample of its input activations (float or "
                 "int8" + scope + "); default: a density per producing operation");
  cmd.add_option("--relu-density", relu_density,
                 "Value density of ReLU outputs for layers without recorded activations "
                 "(default: 0.56, Cnvlutin ISCA'16)")
      ->check(CLI::Range(0.0, 1.0));
}

void add_engine_options(CLI::App& cmd, EngineSettings& s) {
  cmd.add_option("--setting", s.setting,
                 "Paper preset: conservative (round-avg, 2 columns, 10% sensitive) or moderate "
                 "(zero-point, 4 columns, 20% sensitive); explicit flags override it")
      ->check(CLI::IsMember({"conservative", "moderate"}));
  cmd.add_option("--prune,--method", s.method,
                 "Pruning method: none, round-avg, zero-point, bit-flip (default none)")
      ->check(CLI::IsMember({"none", "round-avg", "zero-point", "bit-flip"}));
  cmd.add_option("--columns", s.columns,
                 "Columns to prune per group, 0..8 (default 2 for round-avg, 4 otherwise)");
  cmd.add_option("--const-bits", s.const_bits,
                 "Width of the BBS constant for zero-point shifting (paper 6, reference code 5)")
      ->capture_default_str();
  cmd.add_option("--sensitive", s.sensitive,
                 "Fraction of output channels kept at 8 bits, chosen globally by scale "
                 "(paper Algorithm 2; default 0)");
  cmd.add_option("--channel-multiple", s.channel_multiple,
                 "Sensitive channels per layer are rounded up to a multiple of this (CH)")
      ->capture_default_str();
  cmd.add_option("--group-size", s.group_size, "Weights per group along the input channels")
      ->capture_default_str();
  cmd.add_option("--grouping", s.grouping,
                 "reference: runs over the flat [K,H,W,C] tensor as the reference code (may "
                 "straddle rows); per-row: never cross a kernel position (last group shorter)")
      ->capture_default_str()
      ->check(CLI::IsMember({"reference", "per-row"}));
  cmd.add_option("--depthwise-grouping", s.depthwise,
                 "Depthwise convs (C = 1): kernel-window groups along H*W, or reference "
                 "(one weight per group)")
      ->capture_default_str()
      ->check(CLI::IsMember({"kernel-window", "reference"}));
  cmd.add_option("--quantization", s.quantization,
                 "Float weights are quantized to INT8 per-channel or per-tensor (symmetric, "
                 "round half to even)")
      ->capture_default_str()
      ->check(CLI::IsMember({"per-channel", "per-tensor"}));
  cmd.add_option("--layout", s.layout,
                 "Weight layout: auto (from safetensors metadata), pytorch, keras")
      ->capture_default_str()
      ->check(CLI::IsMember({"auto", "pytorch", "keras"}));
  cmd.add_option("--tensor", s.tensors, "Only these tensors (repeatable; default: all weights)");
  cmd.add_option("--check", s.check_samples,
                 "Verify on N sampled groups per layer that the BBS-rewritten dot product "
                 "equals the integer dot product (0: off)")
      ->capture_default_str();
  cmd.add_option("--seed", s.seed, "Seed for --check sampling")->capture_default_str();
  cmd.add_option("--jobs,-j", s.jobs, "Threads")->capture_default_str();
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{
      "bbs-dse: bit-level sparsity analysis, BBS pruning and design-space exploration of "
      "bit-serial DNN accelerators (BitVert and its baselines)."};
  app.set_version_flag("--version", kToolVersion);
  app.require_subcommand(1);

  AnalyzeOptions analyze;
  auto* analyze_cmd = app.add_subcommand(
      "analyze", "Bit-level statistics of a model's weights before and after BBS pruning");
  analyze_cmd->add_option("--weights,-w", analyze.weights,
                          ".npy or .safetensors file (default: the built-in CIFAR-10 ResNet-20; "
                          "with --network: synthetic weights)");
  analyze_cmd->add_option("--network,-n", analyze.network,
                          "Analyze the weight layers of a zoo network, an .onnx file or a Hugging "
                          "Face checkpoint directory (weights "
                          "from --weights, the ONNX initializers, or seeded synthetic weights)");
  analyze_cmd->add_flag("--allow-unmatched", analyze.allow_unmatched,
                        "With --network --weights: go on when layers or tensors do not match");
  add_engine_options(*analyze_cmd, analyze.engine);
  analyze_cmd->add_option("--sensitive-channels", analyze.sensitive_channels,
                          "JSON object: tensor name -> sensitive channel indices, used instead "
                          "of Algorithm 2's choice");
  add_output_options(*analyze_cmd, analyze.report);
  analyze_cmd->add_option("--db", analyze.db,
                          "Also store the analysis (totals and per layer) in this result "
                          "database, replacing one with the same weights and options (for "
                          "`plot --figure bits`)");

  PruneOptions prune;
  auto* prune_cmd = app.add_subcommand(
      "prune",
      "Binary-prune weights and write them back (same format and shapes). Float input is "
      "quantized to INT8, pruned and written back dequantized in its own float dtype. Int8 input "
      "gives int8 output, except zero-point shifting: its values can leave int8 (e.g. -130), so "
      "int8 input then gives INT16 output.");
  prune_cmd
      ->add_option("--input,-i", prune.input,
                   "Input .npy, .safetensors or Hugging Face checkpoint directory")
      ->required();
  prune_cmd
      ->add_option("--output,-o", prune.output,
                   "Output file (same format as the input; a directory for a checkpoint)")
      ->required();
  add_engine_options(*prune_cmd, prune.engine);
  add_output_options(*prune_cmd, prune.report);

  auto* networks_cmd = app.add_subcommand("networks", "The built-in network zoo");
  OutputOptions networks_output;
  add_output_options(*networks_cmd, networks_output);

  ShowOptions show;
  OutputOptions show_output;
  std::string show_phase = "prefill", show_layout = "auto", show_dot;
  std::string show_weights;
  auto* show_cmd = app.add_subcommand("show",
                                      "Per-layer table of a network: shapes, MACs, "
                                      "parameters, weight source, live activations");
  show_cmd
      ->add_option("network", show.network,
                   "Zoo name, .onnx file or Hugging Face checkpoint directory")
      ->required();
  show_cmd->add_option("--weights,-w", show_weights,
                       "safetensors / .npy file to attach by tensor name (default: synthetic)");
  show_cmd->add_option("--dot", show_dot, "Also write the graph as Graphviz to this file");
  show_cmd->add_option("--batch", show.workload.batch, "Batch size")->capture_default_str();
  show_cmd->add_option("--image-size", show.workload.image_size,
                       "Input resolution (default: the network's)");
  show_cmd->add_option("--seq-len", show.workload.sequence_length,
                       "Sequence length / prefill tokens (default: the network's)");
  show_cmd->add_option("--phase", show_phase, "LLM phase: prefill or decode")
      ->capture_default_str()
      ->check(CLI::IsMember({"prefill", "decode"}));
  show_cmd->add_option("--kv-length", show.workload.kv_length, "LLM decode: KV-cache length");
  show_cmd->add_option("--layout", show_layout, "Weight layout: auto, pytorch, keras")
      ->capture_default_str();
  show_cmd->add_flag("--allow-unmatched", show.allow_unmatched,
                     "Go on when layers or tensors of --weights do not match");
  show_cmd->add_option("--seed", show.synthetic_seed, "Seed of the synthetic weights")
      ->capture_default_str();
  add_output_options(*show_cmd, show_output);

  SimulateOptions sim;
  auto* simulate_cmd = app.add_subcommand(
      "simulate", "One accelerator on one network: cycles, DRAM traffic, energy split, area");
  simulate_cmd
      ->add_option("--network,-n", sim.network,
                   "Zoo name, .onnx file or Hugging Face checkpoint directory")
      ->capture_default_str();
  simulate_cmd->add_option("--weights,-w", sim.weights,
                           "safetensors / .npy weights for the network (default: synthetic)");
  simulate_cmd->add_flag("--allow-unmatched", sim.allow_unmatched,
                         "Go on when layers or tensors of --weights do not match");
  simulate_cmd
      ->add_option("--accel,-a", sim.accel,
                   "Built-in hardware: stripes, pragmatic, bitlet, bitwave, bitvert "
                   "(moderate), bitvert-cons, bit-parallel (see `list accels`)")
      ->capture_default_str();
  simulate_cmd->add_option("--hw", sim.hardware_file, "Hardware TOML overriding the built-in one");
  simulate_cmd->add_option("--set", sim.sets, "Override one hardware key, e.g. array.rows=16");
  simulate_cmd
      ->add_option("--profile", sim.profile,
                   "bitsim: the authors' simulator, defects included; corrected: its "
                   "defects fixed (docs/profiles.md)")
      ->capture_default_str()
      ->check(CLI::IsMember({"bitsim", "corrected"}));
  simulate_cmd->add_option("--defect", sim.defects,
                           "Switch one of the reference simulator's defects back on (repeatable; "
                           "docs/profiles.md lists them)");
  simulate_cmd->add_flag("--per-layer", sim.per_layer, "Also print one row per layer");
  simulate_cmd
      ->add_option("--check", sim.check_samples,
                   "Execute the bit-level schedule on N sampled groups per layer: result "
                   "= integer dot product and cycles = what the model charged")
      ->capture_default_str();
  simulate_cmd->add_option("--batch", sim.batch, "Batch size")->capture_default_str();
  simulate_cmd->add_option("--image-size", sim.image_size, "Input resolution");
  simulate_cmd->add_option("--seq-len", sim.sequence_length, "Sequence length / prefill tokens");
  simulate_cmd->add_option("--phase", sim.phase, "LLM phase: prefill or decode")
      ->capture_default_str();
  simulate_cmd->add_option("--kv-length", sim.kv_length, "LLM decode: KV-cache length");
  simulate_cmd->add_option("--seed", sim.seed, "Seed of synthetic weights")->capture_default_str();
  simulate_cmd->add_option("--sensitive-channels", sim.sensitive_channels,
                           "JSON object: layer name -> sensitive channel indices, used instead "
                           "of Algorithm 2's choice (the bitsim profile looks names up as BitSim "
                           "does: docs/profiles.md)");
  add_activation_options(*simulate_cmd, sim.activations, sim.relu_density, "");
  simulate_cmd->add_option("--jobs,-j", sim.jobs, "Threads")->capture_default_str();
  add_output_options(*simulate_cmd, sim.report);

  CompareOptions cmp;
  auto* compare_cmd = app.add_subcommand(
      "compare",
      "The paper's comparison: every design at 4096 bit-serial multipliers on each "
      "network, speedup and energy vs a baseline, geometric means");
  compare_cmd->add_option("--networks", cmp.networks,
                          "Networks (default: the paper's seven benchmarks)");
  compare_cmd->add_option(
      "--accels", cmp.accels,
      "Designs (default: the designs of the built-in paper campaign, Figs. 12-13)");
  compare_cmd
      ->add_option("--preset", cmp.preset,
                   "A comparison of the paper: table6 = Table VI, BitVert (moderate, BBS on "
                   "every channel) vs OliVe on llama3_8b, PE throughput, area, power and "
                   "perf/area against OliVe (table 'pe'); other options override its choices")
      ->check(CLI::IsMember(compare_preset_names()));
  auto* baseline_option =
      compare_cmd->add_option("--baseline", cmp.baseline, "Normalisation design")
          ->capture_default_str();
  compare_cmd->add_option("--weights-dir", cmp.weights_dir,
                          "Use real weights where this folder holds the network's file: "
                          "<shared_weights stem or network name>.safetensors or .npy (see "
                          "`networks`); synthetic otherwise, with a note");
  add_activation_options(*compare_cmd, cmp.activations, cmp.relu_density,
                         ", with exactly one network");
  compare_cmd->add_option("--set", cmp.sets, "Hardware override applied to every design");
  compare_cmd->add_option("--profile", cmp.profile, "bitsim or corrected")
      ->capture_default_str()
      ->check(CLI::IsMember({"bitsim", "corrected"}));
  compare_cmd->add_option("--defect", cmp.defects,
                          "Switch one of the reference simulator's defects back on (repeatable)");
  compare_cmd->add_option("--seed", cmp.seed, "Seed of synthetic weights")->capture_default_str();
  compare_cmd->add_option("--jobs,-j", cmp.jobs, "Threads")->capture_default_str();
  add_output_options(*compare_cmd, cmp.report);

  RunOptions run;
  auto* run_cmd = app.add_subcommand(
      "run", "Evaluate a DSE campaign into a SQLite database (resumable; shardable with --shard)");
  run_cmd
      ->add_option(
          "campaign", run.campaign,
          "Campaign TOML file or built-in name (" + join_names(dse::builtin_campaigns()) + ")")
      ->capture_default_str();
  run_cmd->add_option("--db", run.db, "Result database (default results/<campaign>.db)");
  run_cmd->add_option("--shard", run.shard, "K/N: evaluate this share of the points")
      ->capture_default_str();
  run_cmd->add_option("--profile-shard", run.profile_shard,
                      "K/N: only profile this share of each workload's weight tensors into --db's "
                      "profile cache (evaluates nothing; merge the shards, then run)");
  run_cmd->add_option("--jobs,-j", run.jobs, "Threads")->capture_default_str();
  add_output_options(*run_cmd, run.report);

  QueryOptions query;
  auto* query_cmd = app.add_subcommand("query", "Read a result database");
  query_cmd->add_option("--db", query.db, "Result database")->required();
  query_cmd->add_option("--campaign", query.campaign, "Only this campaign");
  query_cmd->add_option("--sql", query.sql, "Run this SQL (read-only)");
  query_cmd->add_option("--top", query.top, "The N best points by --by");
  query_cmd->add_option("--by", query.by, "An objective: " + dse::objective_names())
      ->capture_default_str();
  query_cmd->add_option("--pareto", query.pareto,
                        "Pareto front per campaign and network of two or three objectives (" +
                            dse::objective_names() +
                            "), e.g. latency,energy or latency,energy,weight_sqnr_db");
  query_cmd
      ->add_option("--diff", query.diff,
                   "Two campaigns A B: per network and design point, B's time, energy, EDP "
                   "and area over A's")
      ->expected(2);
  query_cmd->add_option("--point", query.point, "Per-layer results of one point id");
  query_cmd->add_flag("--baseline", query.baseline, "Speedup and energy against Stripes");
  add_output_options(*query_cmd, query.report);

  std::string merge_output;
  std::vector<std::string> merge_inputs;
  auto* merge_cmd = app.add_subcommand("merge", "Merge shard databases into one");
  merge_cmd->add_option("output", merge_output, "Database to merge into (created if absent)")
      ->required();
  merge_cmd->add_option("shards", merge_inputs, "Shard databases")->required();
  OutputOptions merge_output_options;
  add_output_options(*merge_cmd, merge_output_options);

  PlotOptions plot;
  auto* plot_cmd = app.add_subcommand(
      "plot",
      "Figures (PNG, PDF, SVG, and the plotted numbers as JSON) from a result database: speedup "
      "over Stripes (paper Fig. 12), energy by component (Fig. 13), load imbalance vs PE rows "
      "(Figs. 14-15), Pareto fronts, bit-level analysis (from analyze --db)");
  plot_cmd->add_option("--db", plot.db, "Result database")->required();
  plot_cmd->add_option("--campaign", plot.campaign, "Campaign name (default: the newest)");
  plot_cmd->add_option("--figure", plot.figure, "Which figure")
      ->check(CLI::IsMember({"speedup", "energy", "imbalance", "pareto", "bits", "all"}))
      ->capture_default_str();
  plot_cmd->add_option("--out", plot.out,
                       "Output directory (default: figures/<database stem>/ next to --db)");
  plot_cmd->add_option(
      "--network", plot.network,
      "Only this network (pareto, imbalance, bits; default: chosen from the data)");
  plot_cmd
      ->add_option("--baseline", plot.baseline,
                   "Accelerator preset the speedup and energy figures are normalized to; "
                   "paper: stripes for speedup (Fig. 12), sparten for energy (Fig. 13)")
      ->capture_default_str();
  plot_cmd
      ->add_option("--width", plot.width,
                   "Camera-ready width with 8 pt text: single (IEEE column, 3.5 in) or double "
                   "(text width, 7.16 in); default: each figure's own size")
      ->check(CLI::IsMember({"single", "double"}));
  plot_cmd
      ->add_option("--title", plot.title,
                   "full: titles name what is shown, campaign, file and profile; none: no titles")
      ->check(CLI::IsMember({"full", "none"}))
      ->capture_default_str();
  add_format_option(*plot_cmd, plot.format);

  auto* list_cmd = app.add_subcommand("list", "List registered things: accels, metrics");
  std::string list_what;
  OutputOptions list_output;
  list_cmd->add_option("what", list_what, "accels or metrics")
      ->required()
      ->check(CLI::IsMember({"accels", "metrics"}));
  add_output_options(*list_cmd, list_output);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints CLI11's message and usage hint
    return 2;     // every bad input exits 2, as errors found later do
  }
  if (*analyze_cmd) return run_analyze(analyze);
  if (*simulate_cmd) return run_simulate(sim);
  if (*run_cmd) return run_campaign(run);
  if (*query_cmd) return run_query(query);
  if (*merge_cmd) return run_merge(merge_output, merge_inputs, merge_output_options);
  if (*plot_cmd) return run_plot(plot);
  if (*compare_cmd) {
    cmp.baseline_given = baseline_option->count() > 0;
    return run_compare(cmp);
  }
  if (*list_cmd)
    return list_what == "metrics" ? run_list_metrics(list_output) : run_list_accels(list_output);
  if (*networks_cmd) {
    print_tables(std::cout, networks_report(), networks_output);
    return 0;
  }
  if (*show_cmd) {
    if (!show_weights.empty()) show.weights = show_weights;
    if (!show_dot.empty()) show.dot = show_dot;
    show.workload.phase = networks::parse_llm_phase(show_phase);
    show.layout = networks::parse_weight_layout(show_layout);
    print_tables(std::cout, show_report(show), show_output);
    return 0;
  }
  if (*prune_cmd) {
    if (!prune.engine.method && prune.engine.setting.empty())
      throw Error("prune: give --method (round-avg, zero-point, bit-flip) or --setting");
    return run_prune(prune);
  }
  return 0;
}

}  // namespace bbs::app
