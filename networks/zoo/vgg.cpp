// torchvision VGG-16 (configuration "D", no batch norm).
#include "networks/graph/builder.hpp"
#include "networks/zoo/families.hpp"

namespace bbs::networks::builders {

Network vgg16(const std::string& name, const Workload& w) {
  constexpr std::int64_t kMaxPool = 0;
  constexpr std::int64_t kConfig[] = {64,  64,       kMaxPool, 128,      128, kMaxPool,
                                      256, 256,      256,      kMaxPool, 512, 512,
                                      512, kMaxPool, 512,      512,      512, kMaxPool};
  NetworkBuilder b(name);
  TensorRef x = b.input("image", {w.batch, 3, w.image_size, w.image_size});
  int index = 0;  // position in torchvision's `features` Sequential
  for (std::int64_t channels : kConfig) {
    const std::string prefix = "features." + std::to_string(index);
    if (channels == kMaxPool) {
      x = b.pool(prefix, "maxpool", x, 2, 2);
      index += 1;
    } else {
      x = b.conv(prefix + ".weight", x,
                 {.out_channels = channels, .kernel = 3, .padding = 1, .bias = true});
      x = b.elementwise("features." + std::to_string(index + 1), "relu", {x});
      index += 2;
    }
  }
  x = b.op("avgpool", OpKind::Pool, "adaptive_avgpool", {x}, {w.batch, 512, 7, 7});
  x = b.reshape("flatten", x, {w.batch, 512 * 7 * 7});
  x = b.elementwise("classifier.1", "relu", {b.linear("classifier.0.weight", x, 4096, true)});
  x = b.elementwise("classifier.4", "relu", {b.linear("classifier.3.weight", x, 4096, true)});
  b.linear("classifier.6.weight", x, 1000, true);
  return std::move(b).build();
}

}  // namespace bbs::networks::builders
