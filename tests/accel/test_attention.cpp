// Attention matmuls (Q.K^T, scores.V) and the KV cache in the accelerator cost: decode grows with
// the cache and the batch, grouped-query attention moves less, one layer checked by hand.
#include <gtest/gtest.h>

#include "model/accel/accel_model.hpp"
#include "model/accel/network_cost.hpp"
#include "model/accel/workload.hpp"
#include "networks/llm/llama_graph.hpp"
#include "tests/accel/accel_test_util.hpp"

namespace bbs::accel {
namespace {

HardwareConfig stripes_32x16() {  // Stripes' own PE: one bit-serial multiplier per lane
  HardwareConfig hw = test::stripes_32x16();
  hw.multipliers_per_pe = 16;
  return hw;
}

const MemoryCosts kMemory{{144.581, 3.816, 0.912}, {97.301, 5.836, 0.739}};

NetworkCost cost(const networks::Network& net, Fidelity fidelity = Fidelity::Corrected) {
  const Workload w = make_workload(net);
  const std::vector<LayerProfile> profiles(w.layers.size());  // Stripes: fixed cycles
  return evaluate_network(find_accel("stripes"), stripes_32x16(), fidelity, w, profiles, kMemory);
}

networks::LlamaConfig small_llama(std::int64_t kv_heads) {  // stories260K's shape
  return {64, 172, 5, 8, kv_heads, 512, true};
}

NetworkCost decode(std::int64_t kv_length, std::int64_t batch = 1, std::int64_t kv_heads = 4,
                   Fidelity fidelity = Fidelity::Corrected) {
  networks::Workload work;
  work.phase = networks::LlmPhase::Decode;
  work.kv_length = kv_length;
  work.batch = batch;
  work.sequence_length = 1;
  return cost(networks::llama("toy", small_llama(kv_heads), networks::llama2c_names(), work),
              fidelity);
}

TEST(Attention, DecodeCostGrowsWithTheKvCache) {
  const NetworkCost short_cache = decode(16), long_cache = decode(4096);
  EXPECT_GT(long_cache.total.total_cycles, short_cache.total.total_cycles);
  EXPECT_GT(long_cache.total.compute.cycles, short_cache.total.compute.cycles);
  EXPECT_GT(long_cache.total.energy_pj(), short_cache.total.energy_pj());
  // Per layer: read 4 KV heads x kv tokens x 8 dims of K and of V, write the new token's K and V.
  for (std::int64_t kv : {16, 4096})
    EXPECT_DOUBLE_EQ(decode(kv).total.kv_cache_dram_bytes,
                     5.0 * double(2 * 4 * kv * 8 + 2 * 4 * 8));
  EXPECT_DOUBLE_EQ(long_cache.total.weight_dram_bytes, short_cache.total.weight_dram_bytes);
}

TEST(Attention, KvTrafficScalesWithTheBatch) {
  EXPECT_DOUBLE_EQ(decode(1024, 2).total.kv_cache_dram_bytes,
                   2 * decode(1024, 1).total.kv_cache_dram_bytes);
}

TEST(Attention, GroupedQueryAttentionMovesLessKvCache) {
  const NetworkCost mha = decode(1024, 1, 8), gqa = decode(1024, 1, 2);
  EXPECT_DOUBLE_EQ(mha.total.kv_cache_dram_bytes, 4 * gqa.total.kv_cache_dram_bytes);
  EXPECT_LT(gqa.total.dram_cycles, mha.total.dram_cycles);
}

TEST(Attention, PrefillWritesTheCacheAndReadsNone) {
  networks::Workload work;
  work.sequence_length = 32;
  const NetworkCost c =
      cost(networks::llama("toy", small_llama(4), networks::llama2c_names(), work));
  EXPECT_DOUBLE_EQ(c.total.kv_cache_dram_bytes, 5.0 * 2 * 4 * 32 * 8);  // K and V, 32 tokens
}

TEST(Attention, BitsimProfileCostsWeightLayersOnly) {
  const NetworkCost corrected = decode(4096), bitsim = decode(4096, 1, 4, Fidelity::BitSim);
  EXPECT_EQ(corrected.layers.size(), bitsim.layers.size() + 10);  // 2 matmuls x 5 layers
  EXPECT_DOUBLE_EQ(bitsim.total.kv_cache_dram_bytes, 0);
}

// One decode step of Q.K^T in one layer of stories260K (8 heads, 4 KV heads, head_dim 8, 16
// cached tokens), by hand: 4 matrices K^T [8 x 17], each shared by 2 query heads (2 tokens).
LayerWork scores_layer() {
  LayerWork w;
  w.name = "scores";
  w.activation_operands = true;
  w.matrices = 4;
  w.tokens = 2;
  w.in_channels = 8;
  w.out_channels = 17;
  w.kv_read_elements = 4 * 16 * 8;
  w.kv_write_elements = 4 * 1 * 8;
  return w;
}

TEST(Attention, OneDecodeLayerByHand) {
  Workload w;
  w.network_name = "toy";
  w.layers = {scores_layer()};
  w.producers = {{-1}};
  EXPECT_EQ(w.layers[0].macs(), 2 * 4 * 17 * 8);  // 1088
  const std::vector<LayerProfile> profiles(1);
  const NetworkCost c = evaluate_network(find_accel("stripes"), stripes_32x16(),
                                         Fidelity::Corrected, w, profiles, kMemory);
  const LayerCost& l = c.layers[0];
  // tiles = ceil(8/16) x 4 x ceil(17/32) x ceil(2/16) = 4; 16 lanes x 8 bits / 16 multipliers.
  EXPECT_DOUBLE_EQ(l.compute.tiles, 4);
  EXPECT_DOUBLE_EQ(l.compute.cycles, 32);
  EXPECT_DOUBLE_EQ(l.weight_dram_bytes, 0);
  EXPECT_DOUBLE_EQ(l.kv_cache_dram_bytes, 512 + 32);
  EXPECT_DOUBLE_EQ(l.input_dram_bytes, 8 * 2 * 4 + 32);  // Q, and the new token's K
  EXPECT_DOUBLE_EQ(l.output_dram_bytes, 17 * 2 * 4);
  EXPECT_DOUBLE_EQ(l.dram_cycles, 48);  // floor((544 + 96 + 136) * 8 / 128)
  EXPECT_DOUBLE_EQ(l.total_cycles, 48);
}

// Same layer on every design: no offline encoding of K, so each PE works G lanes x 8 bits
// through its M multipliers.
TEST(Attention, EveryDesignRunsTheActivationOperandDense) {
  for (const auto& model : accel_registry()) {
    HardwareConfig hw = stripes_32x16();
    hw.design = std::string(model->name());
    const ComputeCost c =
        activation_matmul_compute(scores_layer(), hw, Fidelity::Corrected, hw.act_bits);
    EXPECT_DOUBLE_EQ(c.cycles, 4 * 8) << hw.design;  // 16 lanes x 8 bits / 16 multipliers
    hw.lanes = 16, hw.multipliers_per_pe = 8;        // BitVert's PE
    EXPECT_DOUBLE_EQ(
        activation_matmul_compute(scores_layer(), hw, Fidelity::Corrected, hw.act_bits).cycles,
        4 * 16)
        << hw.design;
  }
}

}  // namespace
}  // namespace bbs::accel
