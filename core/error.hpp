// The error every layer of bbs-dse throws for what the user can fix (bbs-dse exits with status 2).
#pragma once

#include <stdexcept>

namespace bbs {

// A user-facing error: the message names the file / key / item and what was expected.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace bbs
