#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <set>

#include "dse/nsga2.hpp"

namespace bbs::dse {
namespace {

TEST(Nsga2, RanksNonDominatedFronts) {
  // (1,4) (2,2) (4,1) are the front; (3,3) is dominated by (2,2); (5,5) by everything.
  const std::vector<Objectives> points{{1, 4}, {3, 3}, {2, 2}, {5, 5}, {4, 1}};
  EXPECT_EQ(non_dominated_ranks(points), (std::vector<int>{0, 1, 0, 2, 0}));
}

// Minimise (x, 31 - x + y) over x, y in 0..31: the Pareto front is y = 0, every x.
std::vector<Objectives> toy(const std::vector<Genome>& genomes) {
  std::vector<Objectives> out;
  for (const auto& g : genomes) out.push_back({double(g[0]), double(31 - g[0] + g[1])});
  return out;
}

TEST(Nsga2, ConvergesToTheParetoFrontOfAToyProblem) {
  const auto final_population = nsga2({32, 32}, {40, 30, 7}, toy);
  const auto objectives = toy(final_population);
  const auto ranks = non_dominated_ranks(objectives);
  std::set<std::int64_t> front_x;
  for (std::size_t i = 0; i < final_population.size(); ++i) {
    if (ranks[i] != 0) continue;
    EXPECT_EQ(final_population[i][1], 0);  // on the true front
    front_x.insert(final_population[i][0]);
  }
  EXPECT_GE(front_x.size(), 16u);  // spread along it by the crowding distance
}

TEST(Nsga2, SameSeedSameResultWhateverTheEvaluationOrder) {
  const auto a = nsga2({8, 16, 4}, {16, 10, 3}, toy);
  const auto reversed = [](const std::vector<Genome>& genomes) {
    std::vector<Genome> backwards(genomes.rbegin(), genomes.rend());
    auto results = toy(backwards);
    std::reverse(results.begin(), results.end());
    return results;
  };
  EXPECT_EQ(nsga2({8, 16, 4}, {16, 10, 3}, reversed), a);
  EXPECT_NE(nsga2({8, 16, 4}, {16, 10, 4}, toy), a);
}

// Before: generations = 2e9 over a four-point space looped for ever, evaluating nothing new.
TEST(Nsga2, StopsOnceEveryPointOfTheSpaceIsEvaluated) {
  std::set<Genome> evaluated;
  std::size_t calls = 0;
  const auto counting = [&](const std::vector<Genome>& genomes) {
    ++calls;
    evaluated.insert(genomes.begin(), genomes.end());
    return toy(genomes);
  };
  const auto population =
      nsga2({2, 2}, {8, std::numeric_limits<int>::max(), 1}, counting);  // returns
  EXPECT_EQ(evaluated.size(), 4u);
  EXPECT_LE(calls, 64u);
  EXPECT_EQ(population.size(), 8u);
  // A gene with more values than an int holds is drawn over its whole range.
  const auto wide = nsga2({std::int64_t(1) << 40}, {4, 2, 1}, [](const std::vector<Genome>& g) {
    std::vector<Objectives> out;
    for (const auto& x : g) out.push_back({double(x[0])});
    return out;
  });
  EXPECT_TRUE(
      std::any_of(wide.begin(), wide.end(), [](const Genome& g) { return g[0] > 1 << 30; }));
}

}  // namespace
}  // namespace bbs::dse
