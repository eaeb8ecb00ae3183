#include "dse/nsga2.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>

namespace bbs::dse {
namespace {

bool dominates(const Objectives& a, const Objectives& b) {
  bool better = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    better = better || a[i] < b[i];
  }
  return better;
}

std::vector<double> crowding(const std::vector<Objectives>& points, const std::vector<int>& ranks) {
  std::vector<double> distance(points.size(), 0.0);
  if (points.empty()) return distance;
  const int fronts = *std::max_element(ranks.begin(), ranks.end()) + 1;
  for (int front = 0; front < fronts; ++front) {
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < points.size(); ++i)
      if (ranks[i] == front) members.push_back(i);
    for (std::size_t m = 0; m < points[0].size(); ++m) {
      std::stable_sort(members.begin(), members.end(),
                       [&](std::size_t a, std::size_t b) { return points[a][m] < points[b][m]; });
      const double span = points[members.back()][m] - points[members.front()][m];
      distance[members.front()] = distance[members.back()] =
          std::numeric_limits<double>::infinity();
      if (!(span > 0) || !std::isfinite(span)) continue;
      for (std::size_t k = 1; k + 1 < members.size(); ++k)
        distance[members[k]] += (points[members[k + 1]][m] - points[members[k - 1]][m]) / span;
    }
  }
  return distance;
}

}  // namespace

std::vector<int> non_dominated_ranks(const std::vector<Objectives>& points) {
  const std::size_t n = points.size();
  std::vector<int> rank(n, -1), dominated_by(n, 0);
  std::vector<std::vector<std::size_t>> dominates_list(n);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      if (dominates(points[i], points[j]))
        dominates_list[i].push_back(j);
      else if (dominates(points[j], points[i]))
        ++dominated_by[i];
    }
  std::vector<std::size_t> front;
  for (std::size_t i = 0; i < n; ++i)
    if (dominated_by[i] == 0) front.push_back(i), rank[i] = 0;
  for (int r = 0; !front.empty(); ++r) {
    std::vector<std::size_t> next;
    for (std::size_t i : front)
      for (std::size_t j : dominates_list[i])
        if (--dominated_by[j] == 0) next.push_back(j), rank[j] = r + 1;
    front = std::move(next);
  }
  return rank;
}

std::vector<Genome> nsga2(
    const std::vector<std::int64_t>& radix, const Nsga2Options& options,
    const std::function<std::vector<Objectives>(const std::vector<Genome>&)>& evaluate) {
  std::mt19937_64 rng(options.seed);
  auto uniform = [&](std::int64_t n) {
    return std::uniform_int_distribution<std::int64_t>(0, n - 1)(rng);
  };
  std::int64_t space = 1;  // genomes in the space, saturating at INT64_MAX
  for (const std::int64_t r : radix)
    if (__builtin_mul_overflow(space, r, &space)) space = std::numeric_limits<std::int64_t>::max();
  const double mutation = radix.empty() ? 0.0 : 1.0 / double(radix.size());
  std::map<Genome, Objectives> known;  // every genome is evaluated once
  auto score = [&](const std::vector<Genome>& genomes) {
    std::vector<Genome> fresh;
    for (const auto& g : genomes)
      if (!known.count(g) && std::find(fresh.begin(), fresh.end(), g) == fresh.end())
        fresh.push_back(g);
    const auto results = fresh.empty() ? std::vector<Objectives>{} : evaluate(fresh);
    for (std::size_t i = 0; i < fresh.size(); ++i) known[fresh[i]] = results[i];
    std::vector<Objectives> out;
    for (const auto& g : genomes) out.push_back(known.at(g));
    return out;
  };

  std::vector<Genome> population(std::size_t(std::max(2, options.population)));
  for (auto& g : population) {
    g.resize(radix.size());
    for (std::size_t i = 0; i < radix.size(); ++i) g[i] = uniform(radix[i]);
  }
  std::vector<Objectives> objectives = score(population);
  for (int generation = 0; generation < options.generations && std::int64_t(known.size()) < space;
       ++generation) {
    const auto ranks = non_dominated_ranks(objectives);
    const auto distance = crowding(objectives, ranks);
    auto tournament = [&]() -> const Genome& {
      const auto a = std::size_t(uniform(std::int64_t(population.size())));
      const auto b = std::size_t(uniform(std::int64_t(population.size())));
      const bool a_wins =
          ranks[a] < ranks[b] || (ranks[a] == ranks[b] && distance[a] >= distance[b]);
      return population[a_wins ? a : b];
    };
    std::vector<Genome> children;
    while (children.size() < population.size()) {
      const Genome& mother = tournament();
      const Genome& father = tournament();
      Genome child(radix.size());
      for (std::size_t i = 0; i < radix.size(); ++i) {
        child[i] = uniform(2) ? mother[i] : father[i];
        if (std::uniform_real_distribution<double>(0, 1)(rng) < mutation)
          child[i] = uniform(radix[i]);
      }
      children.push_back(std::move(child));
    }
    const auto child_objectives = score(children);
    std::vector<Genome> pool = population;
    pool.insert(pool.end(), children.begin(), children.end());
    std::vector<Objectives> pool_objectives = objectives;
    pool_objectives.insert(pool_objectives.end(), child_objectives.begin(), child_objectives.end());
    const auto pool_ranks = non_dominated_ranks(pool_objectives);
    const auto pool_distance = crowding(pool_objectives, pool_ranks);
    std::vector<std::size_t> order(pool.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      if (pool_ranks[a] != pool_ranks[b]) return pool_ranks[a] < pool_ranks[b];
      return pool_distance[a] > pool_distance[b];
    });
    population.clear();
    objectives.clear();
    for (std::size_t k = 0; k < order.size() && population.size() < pool.size() / 2; ++k) {
      population.push_back(pool[order[k]]);
      objectives.push_back(pool_objectives[order[k]]);
    }
  }
  return population;
}

}  // namespace bbs::dse
