// The identity of a campaign workload (app/workload_identity.hpp): every [[workload]] key, and the
// content of every file one names, is part of it; nothing else is.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "app/workload_identity.hpp"
#include "networks/io/content_hash.hpp"
#include "networks/tensor.hpp"
#include "tests/test_util.hpp"

namespace bbs::app {
namespace {

namespace fs = std::filesystem;
using Kind = dse::WorkloadField::Kind;

// Another value for one field of `w`: the fields are iterated from the campaign's table, so a key
// added later is covered here without a new test.
void change(dse::WorkloadSpec& w, const dse::WorkloadField& f, const test::TempDir& dir) {
  switch (f.kind) {
    case Kind::Network:
      w.*f.text = "cifar10_resnet32";
      return;
    case Kind::File:
      w.*f.text = dir.write("other-" + std::string(f.key), "other content").string();
      return;
    case Kind::Text:
      w.*f.text += "-changed";
      return;
    case Kind::Integer:
      w.*f.integer += 1;
      return;
    case Kind::Seed:
      w.*f.seed += 1;
      return;
    case Kind::Number:
      w.*f.number = w.*f.number ? *(w.*f.number) / 2 : 0.5;
      return;
  }
}

dse::WorkloadSpec base(const test::TempDir& dir) {
  dse::WorkloadSpec w;
  w.network = "cifar10_resnet20";
  for (const dse::WorkloadField& f : dse::workload_fields())
    if (f.kind == Kind::File)
      w.*f.text = dir.write(std::string(f.key) + ".bin", "content of " + std::string(f.key));
  return w;
}

TEST(WorkloadIdentity, EveryKeyOfTheWorkloadTableChangesTheHash) {
  test::TempDir dir;
  const dse::WorkloadSpec w = base(dir);
  const WorkloadIdentity reference = workload_identity(w);
  EXPECT_EQ(workload_identity(w).content_hash, reference.content_hash);  // deterministic
  EXPECT_EQ(reference.content_hash.size(), 32u);
  for (const dse::WorkloadField& f : dse::workload_fields()) {
    dse::WorkloadSpec changed = w;
    change(changed, f, dir);
    const WorkloadIdentity other = workload_identity(changed);
    EXPECT_NE(other.content_hash, reference.content_hash) << f.key;
    EXPECT_NE(other.description, reference.description) << f.key;
    EXPECT_NE(reference.description.find("\"" + std::string(f.key) + "\""), std::string::npos)
        << f.key << " not in " << reference.description;
  }
}

TEST(WorkloadIdentity, ANamedFileIsHashedByContentNotByName) {
  test::TempDir dir;
  dse::WorkloadSpec w = base(dir);
  w.weights = dir.write("w.bin", "first weights").string();
  const WorkloadIdentity before = workload_identity(w);
  dir.write("w.bin", "other weights");
  const WorkloadIdentity after = workload_identity(w);
  EXPECT_EQ(after.description, before.description);  // the same workload, as written
  EXPECT_NE(after.content_hash, before.content_hash);

  // A network file (ONNX) and a checkpoint directory likewise.
  w.network = dir.write("net.onnx", "graph one").string();
  const std::string onnx_before = workload_identity(w).content_hash;
  dir.write("net.onnx", "graph two");
  EXPECT_NE(workload_identity(w).content_hash, onnx_before);
  fs::create_directories(dir / "ckpt");
  dir.write("ckpt/a.safetensors", "shard a");
  dir.write("ckpt/b.safetensors", "shard b");
  w.weights = (dir / "ckpt").string();
  const std::string directory_before = workload_identity(w).content_hash;
  dir.write("ckpt/b.safetensors", "shard B");
  EXPECT_NE(workload_identity(w).content_hash, directory_before);
}

TEST(WorkloadIdentity, AMissingFileIsAnErrorNamingTheKey) {
  test::TempDir dir;
  dse::WorkloadSpec w = base(dir);
  w.weights = (dir / "absent.safetensors").string();
  try {
    workload_identity(w);
    ADD_FAILURE() << "expected a bbs::Error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("workload key 'weights'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("absent.safetensors"), std::string::npos) << e.what();
  }
}

TEST(ContentHash, PiecesHashLikeTheWhole) {
  io::ContentHasher hasher;
  hasher.update("abc", 3);
  hasher.update("def", 3);
  EXPECT_EQ(hasher.hex_digest(), io::content_hash("abcdef"));
  EXPECT_NE(io::content_hash("abcdef"), io::content_hash("abcdeg"));
}

}  // namespace
}  // namespace bbs::app
