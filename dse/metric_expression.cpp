#include "dse/metric_expression.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <initializer_list>
#include <limits>

#include "networks/tensor.hpp"

namespace bbs::dse {

// Recursive descent over the grammar in the header, emitting the postfix program.
class ExpressionParser {
 public:
  explicit ExpressionParser(std::string_view text) : text_(text) {}

  MetricExpression parse() {
    MetricExpression e;
    e.text_ = std::string(text_);
    out_ = &e.program_;
    const bool condition = disjunction();
    skip_space();
    if (pos_ != text_.size()) fail("an operator or the end");
    if (!condition) fail_at(0, "a condition (a comparison such as 'area_mm2 <= 4')");
    return e;
  }

 private:
  using Step = MetricExpression::Step;

  // One level of '(', unary '-' or 'not' while it is parsed: the recursion is bounded so that a
  // deeply nested expression is refused instead of overflowing the stack.
  class Nested {
   public:
    explicit Nested(ExpressionParser& parser) : parser_(parser) {
      if (++parser_.depth_ > kMaxExpressionNesting)
        parser_.fail_at(parser_.pos_ == 0 ? 0 : parser_.pos_ - 1,
                        "at most " + std::to_string(kMaxExpressionNesting) +
                            " nested '(', '-' and 'not' (the expression nests deeper)");
    }
    ~Nested() { --parser_.depth_; }
    Nested(const Nested&) = delete;
    Nested& operator=(const Nested&) = delete;

   private:
    ExpressionParser& parser_;
  };

  // Each rule returns whether its value is a truth value (a comparison or a logical operator).
  using Rule = bool (ExpressionParser::*)();

  // operand (op operand)*, left to right, for one precedence level; `yields_condition` says
  // whether applying one of its operators gives a truth value (and, or) or a number (+ - * /).
  bool left_associative(Rule operand, std::initializer_list<std::string_view> ops,
                        bool yields_condition) {
    bool logical = (this->*operand)();
    for (;;) {
      const auto op = std::find_if(ops.begin(), ops.end(), [&](std::string_view o) {
        return std::isalpha(uchar(o.front())) ? keyword(o) : symbol(o);
      });
      if (op == ops.end()) return logical;
      (this->*operand)();
      binary(std::string(*op));
      logical = yields_condition;
    }
  }

  bool disjunction() { return left_associative(&ExpressionParser::conjunction, {"or"}, true); }
  bool conjunction() { return left_associative(&ExpressionParser::negation, {"and"}, true); }

  bool negation() {
    if (!keyword("not")) return comparison();
    const Nested nested(*this);
    negation();
    out_->push_back({Step::Kind::Not, 0, ""});
    return true;
  }

  bool comparison() {
    const bool logical = sum();
    for (const char* op : {"<=", ">=", "==", "!=", "<", ">"})
      if (symbol(op)) {
        sum();
        binary(op);
        return true;
      }
    return logical;
  }

  bool sum() { return left_associative(&ExpressionParser::product, {"+", "-"}, false); }
  bool product() { return left_associative(&ExpressionParser::unary, {"*", "/"}, false); }

  bool unary() {
    if (symbol("-")) {
      const Nested nested(*this);
      unary();
      out_->push_back({Step::Kind::Negate, 0, ""});
      return false;
    }
    skip_space();
    if (pos_ < text_.size() && text_[pos_] == '(') {
      ++pos_;
      const Nested nested(*this);
      const bool logical = disjunction();
      if (!symbol(")")) fail("')'");
      return logical;
    }
    if (pos_ < text_.size() && (std::isdigit(uchar(text_[pos_])) || text_[pos_] == '.')) {
      const std::string rest(text_.substr(pos_));
      char* end = nullptr;
      const double value = std::strtod(rest.c_str(), &end);
      pos_ += std::size_t(end - rest.c_str());
      out_->push_back({Step::Kind::Number, value, ""});
      return false;
    }
    const std::size_t start = pos_;
    while (pos_ < text_.size() && (std::isalnum(uchar(text_[pos_])) || text_[pos_] == '_')) ++pos_;
    const std::string name(text_.substr(start, pos_ - start));
    if (name.empty()) fail("a number, a metric or '('");
    if (!accel::find_metric(name))
      fail_at(start, "a metric (" + std::string(accel::metric_names_text()) + "), not '" + name +
                         "'");
    out_->push_back({Step::Kind::Metric, 0, name, accel::metric_index(name)});
    return false;
  }

  void binary(std::string op) { out_->push_back({Step::Kind::Binary, 0, std::move(op)}); }

  static unsigned char uchar(char c) { return static_cast<unsigned char>(c); }

  void skip_space() {
    while (pos_ < text_.size() && std::isspace(uchar(text_[pos_]))) ++pos_;
  }

  bool symbol(std::string_view s) {
    skip_space();
    if (text_.substr(pos_, s.size()) != s) return false;
    // "<" must not take the first character of "<=": the callers try longer symbols first.
    pos_ += s.size();
    return true;
  }

  bool keyword(std::string_view word) {
    skip_space();
    if (text_.substr(pos_, word.size()) != word) return false;
    const std::size_t after = pos_ + word.size();
    if (after < text_.size() && (std::isalnum(uchar(text_[after])) || text_[after] == '_'))
      return false;
    pos_ = after;
    return true;
  }

  [[noreturn]] void fail(const std::string& expected) {
    skip_space();
    fail_at(pos_, expected);
  }

  [[noreturn]] void fail_at(std::size_t at, const std::string& expected) {
    // A long expression is shown by its start and length, not in full.
    constexpr std::size_t kShown = 60;
    const std::string shown = text_.size() <= kShown
                                  ? std::string(text_)
                                  : std::string(text_.substr(0, kShown)) + "... (" +
                                        std::to_string(text_.size()) + " characters)";
    throw Error("expression '" + shown + "' at character " + std::to_string(at + 1) +
                ": expected " + expected);
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  std::vector<Step>* out_ = nullptr;
};

MetricExpression MetricExpression::parse(std::string_view text) {
  return ExpressionParser(text).parse();
}

bool MetricExpression::holds(const PointRecord& point) const {
  std::vector<double> stack;
  for (const Step& s : program_) {
    switch (s.kind) {
      case Step::Kind::Number:
        stack.push_back(s.number);
        break;
      case Step::Kind::Metric:
        stack.push_back(point.metrics.values[s.metric]);
        break;
      case Step::Kind::Negate:
        stack.back() = -stack.back();
        break;
      case Step::Kind::Not:
        stack.back() = stack.back() == 0.0 ? 1.0 : 0.0;
        break;
      case Step::Kind::Binary: {
        const double b = stack.back();
        stack.pop_back();
        double& a = stack.back();
        const std::string& op = s.name;
        if (op == "+")
          a += b;
        else if (op == "-")
          a -= b;
        else if (op == "*")
          a *= b;
        else if (op == "/")
          a /= b;
        else if (op == "<")
          a = a < b;
        else if (op == "<=")
          a = a <= b;
        else if (op == ">")
          a = a > b;
        else if (op == ">=")
          a = a >= b;
        else if (op == "==")
          a = a == b;
        else if (op == "!=")
          a = a != b;
        else if (op == "and")
          a = a != 0.0 && b != 0.0;
        else
          a = a != 0.0 || b != 0.0;  // "or"
        break;
      }
    }
  }
  return stack.back() != 0.0;
}

}  // namespace bbs::dse
