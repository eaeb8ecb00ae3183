// NSGA-II (Deb et al., IEEE TEC 2002) over a discrete space, for design spaces too large to
// enumerate. A genome holds one value index per gene (gene g takes 0 .. radix[g] - 1); every
// objective is minimised. Per generation: binary tournaments on (rank, crowding distance), uniform
// crossover, per-gene mutation with probability 1/genes, then the parents and children are cut
// back to the population size by non-dominated fronts and crowding distance. Everything random
// comes from one generator seeded with `seed`, and `evaluate` must return results that do not
// depend on how it schedules the work: same seed, same result, whatever the thread count.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace bbs::dse {

using Genome = std::vector<std::int64_t>;
using Objectives = std::vector<double>;  // minimised; an infeasible genome gets +inf everywhere

struct Nsga2Options {
  int population = 64;
  int generations = 20;
  std::uint64_t seed = 1;
};

// Returns the rank of each point: 0 for the non-dominated front, 1 for the next, ...
std::vector<int> non_dominated_ranks(const std::vector<Objectives>& points);

// Runs the search; returns the final population's genomes, best front first. It stops after
// `generations`, or as soon as every genome of the space has been evaluated (nothing is left to
// find), so evaluations never exceed the size of the space.
std::vector<Genome> nsga2(
    const std::vector<std::int64_t>& radix, const Nsga2Options& options,
    const std::function<std::vector<Objectives>(const std::vector<Genome>&)>& evaluate);

}  // namespace bbs::dse
