// A campaign constraint over a design point's results, written by the user:
//   [constraints] expressions = ["power_w <= 1.5", "edp < 2e-3 and area_mm2 < 4"]
// Grammar (usual precedence, left to right):
//   condition := disjunction           (must compare something: a bare number is refused)
//   disjunction := conjunction ("or" conjunction)*
//   conjunction := negation ("and" negation)*
//   negation := "not" negation | comparison
//   comparison := sum (("<" | "<=" | ">" | ">=" | "==" | "!=") sum)?
//   sum := product (("+" | "-") product)*      product := unary (("*" | "/") unary)*
//   unary := "-" unary | number | metric | "(" disjunction ")"
// Nesting ('(', '-', 'not') is limited to kMaxExpressionNesting levels.
// Metrics are those of the metric table (model/accel/metrics.hpp, `bbs-dse list metrics`); truth
// is 1, false 0. weight_sqnr_db is +infinity for a design that leaves the weights unchanged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dse/result_store.hpp"

namespace bbs::dse {

// The deepest nesting of '(', unary '-' and 'not' an expression may have (the parser recurses).
inline constexpr int kMaxExpressionNesting = 256;

class MetricExpression {
 public:
  // Throws bbs::Error naming the position and what was expected.
  static MetricExpression parse(std::string_view text);
  bool holds(const PointRecord& point) const;
  const std::string& text() const { return text_; }

 private:
  // Postfix program: push a number or a metric, or apply an operator to the top of the stack.
  struct Step {
    enum class Kind { Number, Metric, Negate, Not, Binary } kind;
    double number = 0;
    std::string name;         // metric, or the binary operator
    std::size_t metric = 0;  // the metric's index in accel::metrics()
  };
  std::string text_;
  std::vector<Step> program_;
  friend class ExpressionParser;
};

}  // namespace bbs::dse
