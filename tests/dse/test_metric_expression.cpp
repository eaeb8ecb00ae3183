// User constraints over a point's metrics: precedence, logic, errors naming the position.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "dse/metric_expression.hpp"
#include "networks/tensor.hpp"

namespace bbs::dse {
namespace {

PointRecord point() {
  PointRecord p;
  p.metrics.set("time_s", 0.002);
  p.metrics.set("energy_pj", 3e9);  // 3 mJ over 2 ms: 1.5 W
  p.metrics.set("power_w", 1.5);
  p.metrics.set("edp", 3e9 * 0.002);
  p.metrics.set("area_mm2", 2.5);
  p.metrics.set("total_cycles", 1000);
  p.metrics.set("useful_fraction", 0.75);
  p.metrics.set("multipliers", 4096);
  return p;
}

bool holds(const std::string& text) { return MetricExpression::parse(text).holds(point()); }

TEST(MetricExpression, ComparesMetricsWithArithmeticAndPrecedence) {
  EXPECT_TRUE(holds("area_mm2 <= 2.5"));
  EXPECT_FALSE(holds("area_mm2 < 2.5"));
  EXPECT_TRUE(holds("power_w == 1.5"));
  EXPECT_TRUE(holds("edp == 3e9 * 0.002"));
  EXPECT_TRUE(holds("total_cycles + 2 * 500 == 2000"));      // * before +
  EXPECT_TRUE(holds("(total_cycles + 2) * 500 == 501000"));  // parentheses
  EXPECT_TRUE(holds("total_cycles - 500 - 250 == 250"));     // left to right
  EXPECT_TRUE(holds("total_cycles / 10 / 10 == 10"));
  EXPECT_TRUE(holds("-area_mm2 < 0"));
  EXPECT_TRUE(holds("multipliers / 4096 == 1"));
  EXPECT_TRUE(holds("useful_fraction != 1"));
}

TEST(MetricExpression, CombinesConditionsWithAndOrNot) {
  EXPECT_TRUE(holds("area_mm2 < 3 and power_w < 2"));
  EXPECT_FALSE(holds("area_mm2 < 3 and power_w < 1"));
  EXPECT_TRUE(holds("area_mm2 < 1 or power_w < 2"));
  EXPECT_TRUE(holds("not area_mm2 > 3"));
  EXPECT_TRUE(holds("area_mm2 > 9 and power_w > 9 or time_s < 1"));  // and before or
  EXPECT_FALSE(holds("area_mm2 > 9 and (power_w > 9 or time_s < 1)"));
}

void expect_error(const std::string& text, const std::string& needle) {
  try {
    MetricExpression::parse(text);
    ADD_FAILURE() << "no error for: " << text;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(MetricExpression, ErrorsNameThePositionAndWhatWasExpected) {
  expect_error("area < 3", "at character 1: expected a metric (time_s,");
  expect_error("area_mm2 < 3 )", "at character 14: expected an operator or the end");
  expect_error("(area_mm2 < 3", "expected ')'");
  expect_error("area_mm2 <", "expected a number, a metric or '('");
  expect_error("area_mm2 * 2", "expected a condition");
  expect_error("", "expected a number, a metric or '('");
}

// Random token soup: every string either parses or is refused with an Error; none crashes, and a
// parsed one evaluates.
std::string repeated(const std::string& unit, std::size_t times) {
  std::string out;
  for (std::size_t i = 0; i < times; ++i) out += unit;
  return out;
}

// Before the limit, these overflowed the parser's stack (SIGSEGV).
TEST(MetricExpression, DeepNestingIsRefusedWithThePositionAndTheLimit) {
  const std::string limit = "at most " + std::to_string(kMaxExpressionNesting) + " nested";
  for (const std::string& text :
       {repeated("(", 5000) + "area_mm2 < 1" + repeated(")", 5000),
        "area_mm2 < " + repeated("-", 100000) + "1", repeated("not ", 50000) + "area_mm2 < 1"}) {
    try {
      MetricExpression::parse(text);
      ADD_FAILURE() << "accepted " << text.substr(0, 40);
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(limit), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("at character "), std::string::npos) << e.what();
    }
  }
  const auto n = std::size_t(kMaxExpressionNesting);
  EXPECT_TRUE(holds(repeated("(", n) + "area_mm2 <= 2.5" + repeated(")", n)));
  EXPECT_TRUE(holds("area_mm2 > " + repeated("-", n) + "1"));
  EXPECT_TRUE(holds(repeated("not ", n) + "area_mm2 <= 2.5"));
}

TEST(MetricExpression, RandomTextParsesOrFailsCleanly) {
  const std::vector<std::string> tokens = {
      "area_mm2", "power_w", "edp", "1",   "2.5e3", "(",   ")", "+", "-", "*", "/", "<",
      "<=",       "==",      "!=",  "and", "or",    "not", " ", "x", ".", "e", "&", ""};
  std::mt19937 rng(7);
  int parsed = 0;
  for (int trial = 0; trial < 20000; ++trial) {
    std::string text;
    const int length = int(rng() % 9);
    for (int i = 0; i < length; ++i) text += tokens[rng() % tokens.size()] + " ";
    try {
      const MetricExpression e = MetricExpression::parse(text);
      EXPECT_NO_THROW(e.holds(point())) << text;
      ++parsed;
    } catch (const Error&) {
    }
  }
  EXPECT_GT(parsed, 20);  // the soup does produce valid conditions (67 with this seed)
}

}  // namespace
}  // namespace bbs::dse
