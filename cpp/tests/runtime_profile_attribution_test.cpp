// The profile's projection of the graph ONNX Runtime ran onto the package's modules
// (profile/attribution.h): kept nodes by name, fused nodes by what they replaced, inserted nodes
// by data flow, and common modules that skip containers.
#include "profile/attribution.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

namespace modelexport::profile {
namespace {

onnx::NodeProto& add(onnx::GraphProto& graph, const std::string& name, const std::string& op,
                     std::vector<std::string> inputs, std::vector<std::string> outputs,
                     const std::string& module = "\x01") {
  auto& node = *graph.add_node();
  node.set_name(name);
  node.set_op_type(op);
  for (auto& input : inputs) node.add_input(input);
  for (auto& output : outputs) node.add_output(output);
  if (module != "\x01") {
    auto* prop = node.add_metadata_props();
    prop->set_key("modelexport.module");
    prop->set_value(module);
  }
  return node;
}

// BertModel > encoder > layer (ModuleList) > 0, 1 > attention; container tags are their parent's.
std::string hierarchy() {
  const auto module = [](const std::string& path, const std::string& cls, const std::string& tag,
                         std::vector<nlohmann::json> children) {
    nlohmann::json list = nlohmann::json::array();
    for (auto& child : children) list.push_back(std::move(child));
    return nlohmann::json{{"path", path}, {"class", cls}, {"tag", tag}, {"children", list}};
  };
  const auto layer = [&](const std::string& i) {
    return module("encoder.layer." + i, "BertLayer", "/BertModel/BertEncoder/BertLayer." + i,
                  {module("encoder.layer." + i + ".attention", "BertAttention",
                          "/BertModel/BertEncoder/BertLayer." + i + "/BertAttention", {})});
  };
  const auto tree = module("", "BertModel", "/BertModel",
                           {module("encoder", "BertEncoder", "/BertModel/BertEncoder",
                                   {module("encoder.layer", "ModuleList", "/BertModel/BertEncoder",
                                           {layer("0"), layer("1")})})});
  return nlohmann::json{{"tree", tree}}.dump();
}

TEST(ProfileAttribution, CommonModuleIsComponentWiseAndSkipsContainers) {
  ModuleIndex modules(hierarchy(), "model_hierarchy.json");
  EXPECT_EQ(modules.common("encoder.layer.0.attention", "encoder.layer.0"), "encoder.layer.0");
  // The layers' common parent is the ModuleList, which never runs: its parent instead.
  EXPECT_EQ(modules.common("encoder.layer.0.attention", "encoder.layer.1"), "encoder");
  EXPECT_EQ(modules.common("encoder", "pooler"), "");
  EXPECT_TRUE(modules.at(modules.find("encoder.layer")).container);
  EXPECT_EQ(modules.depth(modules.find("encoder.layer.1.attention")), 3);
}

TEST(ProfileAttribution, KeptFusedAndInsertedNodes) {
  onnx::GraphProto tagged;
  tagged.add_input()->set_name("x");
  add(tagged, "q", "MatMul", {"x", "w"}, {"q_out"}, "encoder.layer.0.attention");
  add(tagged, "scale", "Div", {"q_out", "c"}, {"s_out"}, "encoder.layer.0.attention");
  add(tagged, "soft", "Softmax", {"s_out"}, {"p_out"}, "encoder.layer.0.attention");
  add(tagged, "ln_mean", "ReduceMean", {"p_out"}, {"m_out"}, "encoder.layer.0");
  add(tagged, "ln_sub", "Sub", {"p_out", "m_out"}, {"ln_out"}, "encoder.layer.0");
  add(tagged, "next", "MatMul", {"ln_out", "w2"}, {"y"}, "encoder.layer.1.attention");

  // ORT's run graph: q kept; scale+soft fused into one node writing p_out; the layer norm
  // fused; an inserted cast with a new output between the fused norm and `next`.
  onnx::GraphProto executed;
  executed.add_input()->set_name("x");
  add(executed, "q", "MatMul", {"x", "w"}, {"q_out"});
  add(executed, "SoftmaxFusion_0", "FusedSoftmax", {"q_out"}, {"p_out"});
  add(executed, "LayerNormFusion_1", "LayerNormalization", {"p_out"}, {"ln_out"});
  add(executed, "_token_7", "Cast", {"ln_out"}, {"ln_cast"});
  add(executed, "next", "MatMul", {"ln_cast", "w2"}, {"y"});

  ModuleIndex modules(hierarchy(), "model_hierarchy.json");
  const auto nodes = attribute_nodes(tagged, executed, modules);
  ASSERT_EQ(nodes.size(), 5u);
  EXPECT_EQ(nodes.at("q").module, "encoder.layer.0.attention");
  EXPECT_EQ(nodes.at("q").rule, Rule::kSameName);
  EXPECT_EQ(nodes.at("SoftmaxFusion_0").module, "encoder.layer.0.attention");
  EXPECT_EQ(nodes.at("SoftmaxFusion_0").rule, Rule::kFused);
  // Replaced ln_mean and ln_sub only (p_out still exists: the walk stops there).
  EXPECT_EQ(nodes.at("LayerNormFusion_1").module, "encoder.layer.0");
  EXPECT_EQ(nodes.at("LayerNormFusion_1").rule, Rule::kFused);
  // The cast's consumer is `next` (layer 1): the consumers decide.
  EXPECT_EQ(nodes.at("_token_7").module, "encoder.layer.1.attention");
  EXPECT_EQ(nodes.at("_token_7").rule, Rule::kInherited);
}

TEST(ProfileAttribution, ChainsOfInsertedNodesTakeTheirConsumersModule) {
  // MatMul+Add of a Linear in layer 1, after a layer-0 node: ORT's MatMulAddFusion writes
  // Reshape -> Gemm -> Reshape, only the last writing a tensor the package knows.
  onnx::GraphProto tagged;
  add(tagged, "norm", "LayerNormalization", {"x"}, {"h"}, "encoder.layer.0");
  add(tagged, "mm", "MatMul", {"h", "w"}, {"mm_out"}, "encoder.layer.1.attention");
  add(tagged, "bias", "Add", {"mm_out", "b"}, {"y"}, "encoder.layer.1.attention");
  onnx::GraphProto executed;
  add(executed, "norm", "LayerNormalization", {"x"}, {"h"});
  add(executed, "gemm_input_reshape_token_3", "Reshape", {"h", "shape"}, {"h2d"});
  add(executed, "mm/MatMulAddFusion", "Gemm", {"h2d", "w", "b"}, {"g"});
  add(executed, "gemm_output_reshape_token_4", "Reshape", {"g", "shape3"}, {"y"});
  ModuleIndex modules(hierarchy(), "model_hierarchy.json");
  const auto nodes = attribute_nodes(tagged, executed, modules);
  EXPECT_EQ(nodes.at("gemm_output_reshape_token_4").module, "encoder.layer.1.attention");
  EXPECT_EQ(nodes.at("gemm_output_reshape_token_4").rule, Rule::kFused);
  EXPECT_EQ(nodes.at("mm/MatMulAddFusion").module, "encoder.layer.1.attention");
  // The input reshape's producer is layer 0, but its consumer decides, once it has a module.
  EXPECT_EQ(nodes.at("gemm_input_reshape_token_3").module, "encoder.layer.1.attention");
  EXPECT_EQ(nodes.at("gemm_input_reshape_token_3").rule, Rule::kInherited);
}

TEST(ProfileAttribution, FusionAcrossLayersGetsTheirCommonModule) {
  onnx::GraphProto tagged;
  add(tagged, "a", "Add", {"x", "b"}, {"a_out"}, "encoder.layer.0.attention");
  add(tagged, "m", "Mul", {"a_out", "c"}, {"m_out"}, "encoder.layer.1");
  onnx::GraphProto executed;
  add(executed, "fused", "BiasMul", {"x", "b", "c"}, {"m_out"});
  ModuleIndex modules(hierarchy(), "model_hierarchy.json");
  const auto nodes = attribute_nodes(tagged, executed, modules);
  EXPECT_EQ(nodes.at("fused").module, "encoder");  // not the ModuleList
}

TEST(ProfileAttribution, OrphanNodesFallBackToTheRoot) {
  onnx::GraphProto tagged;
  add(tagged, "a", "Add", {"x", "b"}, {"a_out"}, "encoder");
  onnx::GraphProto executed;
  add(executed, "a", "Add", {"x", "b"}, {"a_out"});
  add(executed, "lonely", "Identity", {"z"}, {"z_out"});
  ModuleIndex modules("", "");
  const auto nodes = attribute_nodes(tagged, executed, modules);
  EXPECT_EQ(nodes.at("lonely").module, "");
  EXPECT_EQ(nodes.at("lonely").rule, Rule::kRoot);
  EXPECT_EQ(nodes.at("a").module, "encoder");
}

TEST(ProfileAttribution, UntaggedGraphIsAnError) {
  onnx::GraphProto tagged;
  add(tagged, "a", "Add", {"x", "b"}, {"a_out"});
  ModuleIndex modules("", "");
  EXPECT_THROW(attribute_nodes(tagged, tagged, modules), std::invalid_argument);
}

TEST(ProfileAttribution, NotAHierarchyDocumentIsAnError) {
  EXPECT_THROW(ModuleIndex("{\"format\": 1}", "model_hierarchy.json"), std::invalid_argument);
  EXPECT_THROW(ModuleIndex("[", "model_hierarchy.json"), std::invalid_argument);
}

}  // namespace
}  // namespace modelexport::profile
