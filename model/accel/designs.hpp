// The accelerator designs (one .cpp each). Only accel_registry() is public; this header is for
// the registry and the tests.
#pragma once

#include "model/accel/accel_model.hpp"

namespace bbs::accel {

class Stripes final : public AccelModel {
 public:
  std::string_view name() const override;
  std::string_view description() const override;
};

class Pragmatic final : public AccelModel {
 public:
  std::string_view name() const override;
  std::string_view description() const override;
  WeightNeeds weight_needs(const HardwareConfig& hw, Fidelity fidelity) const override;
};

class Bitlet final : public AccelModel {
 public:
  std::string_view name() const override;
  std::string_view description() const override;
  WeightNeeds weight_needs(const HardwareConfig& hw, Fidelity fidelity) const override;
};

class BitVert final : public AccelModel {
 public:
  std::string_view name() const override;
  std::string_view description() const override;
  WeightNeeds weight_needs(const HardwareConfig& hw, Fidelity fidelity) const override;
  WeightStorage weight_storage(const LayerWork& work, const LayerProfile& profile,
                               const HardwareConfig& hw, Fidelity fidelity) const override;
  std::pair<double, double> sram_reads(const ComputeCost& compute, const LayerProfile& profile,
                                       const HardwareConfig& hw, Fidelity fidelity) const override;

 protected:
  double fixed_steps_per_tile(const LayerWork& work, const LayerProfile& profile,
                              const HardwareConfig& hw, Fidelity fidelity) const override;
};

class BitWave final : public AccelModel {
 public:
  std::string_view name() const override;
  std::string_view description() const override;
  WeightNeeds weight_needs(const HardwareConfig& hw, Fidelity fidelity) const override;
  ComputeCost compute(const LayerWork& work, const LayerProfile& profile, const HardwareConfig& hw,
                      Fidelity fidelity) const override;
  WeightStorage weight_storage(const LayerWork& work, const LayerProfile& profile,
                               const HardwareConfig& hw, Fidelity fidelity) const override;
  std::pair<double, double> sram_reads(const ComputeCost& compute, const LayerProfile& profile,
                                       const HardwareConfig& hw, Fidelity fidelity) const override;
};

class BitParallel final : public AccelModel {
 public:
  std::string_view name() const override;
  std::string_view description() const override;

 protected:
  double fixed_steps_per_tile(const LayerWork& work, const LayerProfile& profile,
                              const HardwareConfig& hw, Fidelity fidelity) const override;
};

class SparTen final : public AccelModel {
 public:
  std::string_view name() const override;
  std::string_view description() const override;
  WeightNeeds weight_needs(const HardwareConfig& hw, Fidelity fidelity) const override;
  ComputeCost compute(const LayerWork& work, const LayerProfile& profile, const HardwareConfig& hw,
                      Fidelity fidelity) const override;
  WeightStorage weight_storage(const LayerWork& work, const LayerProfile& profile,
                               const HardwareConfig& hw, Fidelity fidelity) const override;
  double pe_energy_pj(const ComputeCost& compute, const HardwareConfig& hw) const override;
  double register_energy_pj(const ComputeCost& compute, const HardwareConfig& hw) const override;
  std::pair<double, double> sram_reads(const ComputeCost& compute, const LayerProfile& profile,
                                       const HardwareConfig& hw, Fidelity fidelity) const override;
  double stored_activation_bytes(double dense_bytes, double density,
                                 Fidelity fidelity) const override;
  double activation_write_share(double density, Fidelity fidelity) const override;
};

}  // namespace bbs::accel
