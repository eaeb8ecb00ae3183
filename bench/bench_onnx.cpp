// One-shot `bbs-dse simulate` / `show` of an ONNX export with separate int8 weights (issue 13).
//
// Setup (once, untimed): a ResNet-50 graph written with the ONNX protobuf API (torchvision
// ResNet-50 v1.5 with batch norm folded into the convolutions, as torch.onnx exports it: 53
// convolutions with bias, Relu, Add, MaxPool, GlobalAveragePool, Flatten, Gemm; 25.5 M float
// weights, about 102 MB of initializers) and an int8 safetensors file holding the same weights
// under the PyTorch state-dict names the nodes carry ("layer1.0.conv1.weight").
//
// BM_OnnxSimulate/<design>/<jobs>: what `bbs-dse simulate model.onnx --weights w.safetensors
//   --accel <design> -j <jobs>` does before printing, for every design of the registry:
//   app::prepare_network (import the ONNX graph, attach the int8 weights, load and hash them) and
//   app::simulate of one design (profile the weights, cost the network), on 1 and 2 threads
//   (CPU time is summed over threads; real time is the wall clock).
// BM_OnnxLoad: prepare_network alone (the part every design pays).
// BM_OnnxShow: what `bbs-dse show model.onnx` does: app::show_report (import the graph with its
//   own initializers as the weights, list the layers).
// Time per iteration = per design / per show. Load and show: one thread.
//
// Run it:
//   cmake --build build --target bench_onnx -j2
//   build/bench/bench_onnx --benchmark_min_time=1
#include <benchmark/benchmark.h>
#include <onnx/onnx_pb.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "app/cmd_networks.hpp"
#include "app/simulation.hpp"
#include "bench/scratch_dir.hpp"
#include "model/accel/accel_model.hpp"
#include "networks/io/weight_file.hpp"

namespace bbs::app {
namespace {

// ResNet-50 as torch.onnx names it, written to `onnx_path`; its weights as int8 to `weights_path`.
class ResNet50Writer {
 public:
  void write(const std::filesystem::path& onnx_path, const std::filesystem::path& weights_path) {
    onnx::GraphProto& g = *model_.mutable_graph();
    g.set_name("resnet50");
    model_.set_ir_version(8);
    model_.add_opset_import()->set_version(13);
    auto* input = g.add_input();
    input->set_name("input");
    auto* type = input->mutable_type()->mutable_tensor_type();
    type->set_elem_type(onnx::TensorProto_DataType_FLOAT);
    for (const std::int64_t d : {1, 3, 224, 224})
      type->mutable_shape()->add_dim()->set_dim_value(d);

    std::string x = conv("input", "/conv1", "conv1", 3, 64, 7, 2);
    x = node("MaxPool", "/maxpool/MaxPool", {relu(x, "/relu")},
             {ints("kernel_shape", {3, 3}), ints("strides", {2, 2}), ints("pads", {1, 1, 1, 1})});
    std::int64_t channels = 64;
    const int blocks[] = {3, 4, 6, 3};
    for (int stage = 0; stage < 4; ++stage) {
      const std::int64_t width = 64 << stage;
      for (int b = 0; b < blocks[stage]; ++b) {
        const std::string module = "layer" + std::to_string(stage + 1) + "." + std::to_string(b);
        const std::string scope = "/layer" + std::to_string(stage + 1) + "/" + module;
        const int stride = (b == 0 && stage > 0) ? 2 : 1;
        std::string y = relu(conv(x, scope + "/conv1", module + ".conv1", channels, width, 1, 1),
                             scope + "/relu");
        y = relu(conv(y, scope + "/conv2", module + ".conv2", width, width, 3, stride),
                 scope + "/relu_1");
        y = conv(y, scope + "/conv3", module + ".conv3", width, 4 * width, 1, 1);
        const std::string skip =
            b == 0 ? conv(x, scope + "/downsample/downsample.0", module + ".downsample.0", channels,
                          4 * width, 1, stride)
                   : x;
        x = relu(node("Add", scope + "/Add", {y, skip}, {}), scope + "/relu_2");
        channels = 4 * width;
      }
    }
    x = node("GlobalAveragePool", "/avgpool/GlobalAveragePool", {x}, {});
    x = node("Flatten", "/Flatten", {x}, {});
    const std::string fc = initializer("fc.weight", {1000, channels});
    initializer("fc.bias", {1000});
    onnx::AttributeProto trans_b;
    trans_b.set_name("transB");
    trans_b.set_type(onnx::AttributeProto::INT);
    trans_b.set_i(1);
    x = node("Gemm", "/fc/Gemm", {x, fc, "fc.bias"}, {trans_b});
    auto* output = g.add_output();
    output->set_name(x);
    auto* out_type = output->mutable_type()->mutable_tensor_type();
    out_type->set_elem_type(onnx::TensorProto_DataType_FLOAT);
    for (const std::int64_t d : {1, 1000}) out_type->mutable_shape()->add_dim()->set_dim_value(d);

    std::ofstream out(onnx_path, std::ios::binary);
    model_.SerializeToOstream(&out);
    io::write_safetensors(weights_path, int8_weights_);
  }

 private:
  static onnx::AttributeProto ints(const std::string& name, std::vector<std::int64_t> values) {
    onnx::AttributeProto a;
    a.set_name(name);
    a.set_type(onnx::AttributeProto::INTS);
    for (const std::int64_t v : values) a.add_ints(v);
    return a;
  }

  std::string node(const std::string& op, const std::string& name,
                   const std::vector<std::string>& inputs,
                   const std::vector<onnx::AttributeProto>& attributes) {
    onnx::NodeProto& n = *model_.mutable_graph()->add_node();
    n.set_op_type(op);
    n.set_name(name);
    for (const std::string& in : inputs) n.add_input(in);
    n.add_output(name + "_output_0");
    for (const auto& a : attributes) *n.add_attribute() = a;
    return n.output(0);
  }

  std::string relu(const std::string& x, const std::string& scope) {
    return node("Relu", scope + "/Relu", {x}, {});
  }

  // A float initializer of random values; weights (rank > 1) also go to the int8 file.
  std::string initializer(const std::string& name, const Shape& shape) {
    onnx::TensorProto& t = *model_.mutable_graph()->add_initializer();
    t.set_name(name);
    t.set_data_type(onnx::TensorProto_DataType_FLOAT);
    for (const std::int64_t d : shape) t.add_dims(d);
    std::vector<float> values(std::size_t(element_count(shape)));
    std::vector<std::int8_t> int8(values.size());
    std::uniform_int_distribution<int> q(-127, 127);
    for (std::size_t i = 0; i < values.size(); ++i) {
      int8[i] = std::int8_t(q(rng_));
      values[i] = float(int8[i]) / 127.0f;
    }
    t.set_raw_data(values.data(), values.size() * sizeof(float));
    if (shape.size() > 1) int8_weights_.push_back(io::make_tensor(name, shape, int8));
    return name;
  }

  std::string conv(const std::string& x, const std::string& scope, const std::string& module,
                   std::int64_t in, std::int64_t out, std::int64_t kernel, std::int64_t stride) {
    const std::int64_t pad = kernel / 2;
    const std::string w = initializer(module + ".weight", {out, in, kernel, kernel});
    const std::string b = initializer(module + ".bias", {out});
    return node("Conv", scope + "/Conv", {x, w, b},
                {ints("kernel_shape", {kernel, kernel}), ints("strides", {stride, stride}),
                 ints("pads", {pad, pad, pad, pad})});
  }

  onnx::ModelProto model_;
  std::mt19937 rng_{50};
  std::vector<io::TensorData> int8_weights_;
};

// The files, written once per process into a temporary directory removed at exit.
struct Files {
  bench::ScratchDir dir{"bench_onnx_"};
  std::filesystem::path onnx = dir.path / "resnet50.onnx";
  std::filesystem::path weights = dir.path / "resnet50_int8.safetensors";
  Files() { ResNet50Writer().write(onnx, weights); }
};

const Files& files() {
  static const Files f;
  return f;
}

ShowOptions simulate_options() {
  ShowOptions options;
  options.network = files().onnx.string();
  options.weights = files().weights;
  return options;
}

// One registered design (its preset), registered per design in main(): designs register
// themselves during static initialisation, so the registry is read only after it.
void BM_OnnxSimulate(benchmark::State& state, const std::string& design) {
  const ShowOptions options = simulate_options();
  SimulationRequest request;
  request.hardware = design;
  request.network = options;
  request.jobs = int(state.range(0));
  state.SetLabel(request.hardware);
  for (auto _ : state) {
    const auto network = prepare_network(options, request.jobs);
    benchmark::DoNotOptimize(simulate(*network, request));
  }
}

// The loading part alone: import, attach and read the int8 weights (app::prepare_network).
void BM_OnnxLoad(benchmark::State& state) {
  const ShowOptions options = simulate_options();
  for (auto _ : state) benchmark::DoNotOptimize(prepare_network(options, 1));
}
BENCHMARK(BM_OnnxLoad)->Unit(benchmark::kMillisecond);

void BM_OnnxShow(benchmark::State& state) {
  ShowOptions options;
  options.network = files().onnx.string();
  for (auto _ : state) benchmark::DoNotOptimize(show_report(options));
}
BENCHMARK(BM_OnnxShow)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace bbs::app

int main(int argc, char** argv) {
  for (const auto& model : bbs::accel::accel_registry()) {
    const std::string design(model->name());
    benchmark::RegisterBenchmark(("BM_OnnxSimulate/" + design).c_str(), bbs::app::BM_OnnxSimulate,
                                 design)
        ->Arg(1)
        ->Arg(2)
        ->MeasureProcessCPUTime()
        ->Unit(benchmark::kMillisecond);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
