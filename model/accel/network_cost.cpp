// Per layer, in execution order (BitSim sim/sim/stripes.py:202-487; Pp = activation bits, BW = DRAM
// bits/cycle):
//   footprints   Ib = ceil(Ci*Pp/8) * Hi*Wi (or T), Ob = ceil(Co*Pp/8) * Ho*Wo (or T)
//   refetch      if Wb > W-SRAM and Ib > A-SRAM: weights ceil(Ib/Si) times or inputs ceil(Wb/Sw)
//                times, whichever moves fewer bytes (BitSim: only for vgg16/resnet34/resnet50)
//   output chain if Ib + Ob < A-SRAM the output stays on chip for its consumer
//   DRAM cycles  = floor(Wbits*nW + Ib*8*nI*[input from DRAM] + Ob*8*[output to DRAM]) / BW
//                (BitSim multiplies the activation bytes by Pp again: defect dram-double-scaling,
//                the same as 8 bits only when Pp = 8; Pp is the design's activation_bits)
//   attention    (Q.K^T, scores.V) K or V is the stationary operand, stored dense at Pp bits;
//                instead of weight bytes it moves KV cache bytes = (Kr*nW + Kw) * Pp/8, Kr the
//                past tokens' K or V read from the cache, Kw the new tokens' written to it; its
//                new tokens' part counts as input (on chip if its producer kept it there)
//   total cycles = max(compute, DRAM)
//   energy       PE + registers (the design's), SRAM reads (accesses * full-width read cost),
//                SRAM writes (64-bit writes of weights, fetched inputs, outputs), DRAM (pJ/bit)
// BitSim walks the chain in list order and drops the last linear layer's output; corrected
// follows the graph (an input is on chip only if every producer kept its output there), always
// writes the network's output, and charges input SRAM writes only for inputs fetched from DRAM.
#include "model/accel/network_cost.hpp"

#include <algorithm>
#include <cmath>

#include "model/accel/invariants.hpp"
#include "model/accel/metrics.hpp"

namespace bbs::accel {
namespace {

struct Footprint {
  double input_bytes = 0, output_bytes = 0;
  double input_elements_per_channel_row = 0;  // Hi*Wi or T
  double output_positions = 0;                // Ho*Wo or T
  double in_channels = 0;
};

Footprint footprint(const AccelModel& model, const LayerWork& w, double act_bits, Fidelity fidelity,
                    bool last_layer) {
  Footprint f;
  const double bytes_per_element = act_bits / 8.0;
  const double batch = fidelity.per_sample ? 1.0 : double(w.batch);
  f.in_channels = double(w.in_channels * w.groups);  // channels of the input tensor
  f.input_elements_per_channel_row = w.is_conv ? double(w.in_h * w.in_w) * batch : double(w.tokens);
  f.output_positions = w.is_conv ? double(w.out_h * w.out_w) * batch : double(w.tokens);
  if (w.activation_operands) {
    f.input_elements_per_channel_row *= double(w.matrices);
    f.output_positions *= double(w.matrices);
  }
  f.input_bytes = std::ceil(f.in_channels * bytes_per_element) * f.input_elements_per_channel_row;
  f.output_bytes = std::ceil(double(w.out_channels) * bytes_per_element) * f.output_positions;
  if (w.activation_operands)  // the new tokens' K or V, produced in this step
    f.input_bytes += double(w.stationary_elements() - w.kv_read_elements) * bytes_per_element;
  else {  // a value-sparse design stores its activations compressed
    f.input_bytes = model.stored_activation_bytes(f.input_bytes, w.input_density, fidelity);
    f.output_bytes = model.stored_activation_bytes(f.output_bytes, w.output_density, fidelity);
  }
  if (fidelity.list_order_chain && last_layer && !w.is_conv) f.output_bytes = 0;
  return f;
}

struct Fetches {
  double weights = 1, inputs = 1;
};

Fetches refetch(double weight_bytes, double input_bytes, const HardwareConfig& hw,
                Fidelity fidelity, const std::string& network) {
  const double sw = double(hw.weight_sram.capacity_bytes), si = double(hw.act_sram.capacity_bytes);
  if (!(weight_bytes > sw && input_bytes > si)) return {};
  const double input_passes = std::ceil(weight_bytes / sw);
  const double weight_passes = std::ceil(input_bytes / si);
  const bool may_choose = !fidelity.named_refetch || network == "vgg16" || network == "resnet34" ||
                          network == "resnet50";
  if (may_choose &&
      weight_passes * weight_bytes + input_bytes < input_passes * input_bytes + weight_bytes)
    return {weight_passes, 1};
  return {1, input_passes};
}

double ceil64(double bits) { return std::ceil(bits / 64.0); }

// K or V held stationary like weights: dense, Pp bits, rows of ceil(Ci*Pp/8) bytes.
WeightStorage stationary_activations(const LayerWork& w, double act_bits) {
  WeightStorage s;
  s.bytes = std::ceil(double(w.in_channels) * act_bits / 8.0) * double(w.out_channels) *
            double(w.matrices);
  s.dram_cycle_bits = s.bytes * 8.0;
  s.sram_write_bits_per_weight = act_bits;
  return s;
}

}  // namespace

double LayerCost::energy_pj() const {
  return energy_pe_pj + energy_registers_pj + energy_sram_read_pj + energy_sram_write_pj +
         energy_dram_pj;
}

// The totals follow the metric table (model/accel/metrics.cpp): each Sum metric adds up, each
// Max metric keeps the largest layer's; the work split the Derived fractions come from adds up.
void LayerCost::add(const LayerCost& o) {
  for (const Metric& m : metrics()) {
    if (!m.field) continue;
    double& total = m.field(*this);
    const double layer = m.layer_value(o);
    total = m.combine == Combine::Max ? std::max(total, layer) : total + layer;
  }
  compute.useful += o.compute.useful;
  compute.intra_pe_stall += o.compute.intra_pe_stall;
  compute.inter_pe_stall += o.compute.inter_pe_stall;
}

NetworkCost evaluate_network(const AccelModel& model, const HardwareConfig& hw, Fidelity fidelity,
                             const Workload& workload, const std::vector<LayerProfile>& profiles,
                             const MemoryCosts& memory) {
  NetworkCost net;
  net.design = std::string(model.name());
  net.fidelity = fidelity;
  net.total.name = "total";
  const double act_bits = model.activation_bits(hw), bus = hw.dram.bits_per_cycle;
  const double act_dram_cycle_bits = fidelity.dram_double_scaling ? act_bits : 8.0;
  const double dram_pj_per_bit = hw.dram.energy_pj_per_bit;
  const double si = double(hw.act_sram.capacity_bytes);
  bool read_input = true;                                    // BitSim's chain flag
  std::vector<char> output_on_chip(workload.layers.size());  // by workload index
  for (std::size_t i = 0; i < workload.layers.size(); ++i) {
    const LayerWork& w = workload.layers[i];
    const bool attention = w.activation_operands;
    if (attention && fidelity.weight_layers_only) continue;
    const LayerProfile& profile = profiles[i];
    LayerCost c;
    c.name = w.name;
    c.compute = attention ? activation_matmul_compute(w, hw, fidelity, act_bits)
                          : model.compute(w, profile, hw, fidelity);
    const WeightStorage storage = attention ? stationary_activations(w, act_bits)
                                            : model.weight_storage(w, profile, hw, fidelity);
    const Footprint f = footprint(model, w, act_bits, fidelity, i + 1 == workload.layers.size());
    const Fetches fetch =
        refetch(storage.bytes, f.input_bytes, hw, fidelity, workload.network_name);

    bool input_from_dram = read_input;
    if (!fidelity.list_order_chain) {
      const auto& from = workload.producers[i];
      input_from_dram = from.empty() || std::any_of(from.begin(), from.end(), [&](int p) {
                          return p < 0 || !output_on_chip[std::size_t(p)];
                        });
    }
    c.weight_bytes = storage.bytes;
    c.activation_bytes = f.input_bytes + f.output_bytes;
    c.output_on_chip = c.activation_bytes < si;
    if (!fidelity.list_order_chain && i + 1 == workload.layers.size()) c.output_on_chip = false;
    read_input = !c.output_on_chip;
    output_on_chip[i] = c.output_on_chip;
    if (attention) c.weight_bytes = 0;  // data, not part of the model's stored weights

    const double element_bytes = act_bits / 8.0;
    c.weight_dram_bytes = attention ? 0.0 : storage.bytes * fetch.weights;
    c.kv_cache_dram_bytes =
        attention ? (double(w.kv_read_elements) * fetch.weights + double(w.kv_write_elements)) *
                        element_bytes
                  : 0.0;
    c.input_dram_bytes = input_from_dram ? f.input_bytes * fetch.inputs : 0.0;
    c.output_dram_bytes = c.output_on_chip ? 0.0 : f.output_bytes;
    const double stationary_dram_bits =
        attention ? c.kv_cache_dram_bytes * 8.0 : storage.dram_cycle_bits * fetch.weights;
    c.dram_cycles = std::floor((stationary_dram_bits + c.input_dram_bytes * act_dram_cycle_bits +
                                c.output_dram_bytes * act_dram_cycle_bits) /
                               bus);
    c.total_cycles = std::max(c.compute.cycles, c.dram_cycles);

    const auto [weight_reads, act_reads] = model.sram_reads(c.compute, profile, hw, fidelity);
    c.weight_sram_reads = weight_reads;
    c.act_sram_reads = act_reads;
    c.energy_pe_pj = model.pe_energy_pj(c.compute, hw);
    c.energy_registers_pj = model.register_energy_pj(c.compute, hw);
    c.energy_sram_read_pj = weight_reads * memory.weight.read_pj + act_reads * memory.act.read_pj;

    const double row_channels =
        fidelity.dense_grouped_convs ? f.in_channels : double(w.in_channels);
    const double weight_write_words = ceil64(row_channels * storage.sram_write_bits_per_weight) *
                                      double(w.kernel_area()) * double(w.out_channels) *
                                      double(w.matrices);
    const bool charge_input_write = fidelity.list_order_chain || input_from_dram;
    const double input_share =
        attention ? 1.0 : model.activation_write_share(w.input_density, fidelity);
    const double output_share =
        attention ? 1.0 : model.activation_write_share(w.output_density, fidelity);
    const double input_write_words =
        charge_input_write
            ? ceil64(f.in_channels * act_bits) * f.input_elements_per_channel_row * input_share
            : 0;
    const bool bitsim_skips_output = fidelity.list_order_chain && !w.is_conv && w.tokens == 1;
    const double output_write_words =
        bitsim_skips_output
            ? 0
            : ceil64(double(w.out_channels) * act_bits) * f.output_positions * output_share;
    c.sram_write_bits = 64.0 * (weight_write_words * fetch.weights +
                                input_write_words * fetch.inputs + output_write_words);
    c.energy_sram_write_pj =
        weight_write_words * memory.weight.write_pj_per_64_bits * fetch.weights +
        (input_write_words * fetch.inputs + output_write_words) * memory.act.write_pj_per_64_bits;
    // DRAM energy always counts real bits (BitSim: bytes * 8 / 64 accesses of 1000 pJ).
    c.energy_dram_pj =
        (c.weight_dram_bytes + c.kv_cache_dram_bytes + c.input_dram_bytes + c.output_dram_bytes) *
        8.0 * dram_pj_per_bit;
    net.total.add(c);
    net.layers.push_back(std::move(c));
    net.weight_error.add(profile.weight_error);
    net.encoded_weight_bits +=
        model.stored_bits_per_weight(profile, hw) * double(profile.weight_error.count);
  }
  net.time_s = net.total.total_cycles / (hw.clock_mhz * 1e6);
  net.pe_area_mm2 = double(hw.pe_rows) * hw.pe_cols * hw.pe_area_um2 * 1e-6;
  net.weight_sram_area_mm2 = memory.weight.area_mm2;
  net.act_sram_area_mm2 = memory.act.area_mm2;
  check_invariants(net, workload, hw);
  return net;
}

}  // namespace bbs::accel
