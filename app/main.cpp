#include <exception>
#include <iostream>

#include "app/allocator_tuning.hpp"
#include "networks/tensor.hpp"

namespace bbs::app {
int run_cli(int argc, char** argv);
}

int main(int argc, char** argv) {
  bbs::app::keep_large_buffers_for_reuse();
  try {
    return bbs::app::run_cli(argc, argv);
  } catch (const bbs::Error& e) {
    std::cerr << "bbs-dse: error: " << e.what() << '\n';
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "bbs-dse: internal error: " << e.what() << '\n';
    return 70;
  }
}
