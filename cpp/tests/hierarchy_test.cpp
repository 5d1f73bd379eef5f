// Hierarchy projection, scope resolution, extraction and GraphML on small hand-built graphs
// that reproduce what the exporters emit (dynamo name_scopes, TorchScript scoped names).
#include "modelexport/hierarchy.h"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "hierarchy/module_tree.h"
#include "hierarchy/scope.h"
#include "onnx/model_access.h"

namespace modelexport {
namespace {

std::vector<ModuleInfo> bert_like_modules() {
  return {{"", "BertModel", 10, false},
          {"embeddings", "BertEmbeddings", 100, false},
          {"encoder", "BertEncoder", 0, false},
          {"encoder.layer", "ModuleList", 0, true},
          {"encoder.layer.0", "BertLayer", 7, false},
          {"encoder.layer.0.attention", "BertAttention", 3, false},
          {"encoder.layer.1", "BertLayer", 7, false},
          {"encoder.layer.1.attention", "BertAttention", 3, false},
          {"encoder.layer.10", "BertLayer", 7, false},
          {"pooler", "BertPooler", 5, false}};
}

class GraphBuilder {
 public:
  GraphBuilder() {
    proto_.set_ir_version(8);
    proto_.add_opset_import()->set_version(17);
    graph_ = proto_.mutable_graph();
    graph_->set_name("test");
  }
  onnx::NodeProto& node(const std::string& op, std::vector<std::string> inputs,
                        const std::string& output, const std::string& scope = "") {
    return add_node(*graph_, op, std::move(inputs), output, scope);
  }
  static onnx::NodeProto& add_node(onnx::GraphProto& graph, const std::string& op,
                                   std::vector<std::string> inputs, const std::string& output,
                                   const std::string& scope) {
    auto* n = graph.add_node();
    n->set_op_type(op);
    n->set_name("node_" + output);
    for (auto& input : inputs) n->add_input(input);
    n->add_output(output);
    if (!scope.empty()) {
      auto* prop = n->add_metadata_props();
      prop->set_key("pkg.torch.onnx.name_scopes");
      prop->set_value(scope);
    }
    return *n;
  }
  void value(const std::string& name, bool input = false, bool output = false) {
    onnx::ValueInfoProto* v =
        input ? graph_->add_input() : (output ? graph_->add_output() : graph_->add_value_info());
    v->set_name(name);
    v->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
    v->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(4);
  }
  OnnxModel build() { return OnnxModelAccess::wrap(proto_); }

 private:
  onnx::ModelProto proto_;
  onnx::GraphProto* graph_;
};

std::map<std::string, std::string> props_of(const onnx::NodeProto& node) {
  std::map<std::string, std::string> props;
  for (const auto& p : node.metadata_props()) props[p.key()] = p.value();
  return props;
}

// x -> [embeddings] e -> (unscoped Shape) s -> [layer.1.attention] a -> [layer.10] b
// (unscoped Constant) c used by layer.1 and layer.10; (unscoped Identity) feeds the output.
OnnxModel sample_model() {
  GraphBuilder g;
  g.value("x", true);
  g.node("Gather", {"x"}, "e", "['', 'model', 'model.embeddings', 'embedding']");
  g.node("Shape", {"e"}, "s", "['_empty_nn_module_stack_from_metadata_hook', 'sym_size_int']");
  g.node("Reshape", {"e", "s"}, "a",
         "['', 'model', 'model.encoder', 'model.encoder.layer.1', "
         "'model.encoder.layer.1.attention', 'view']");
  g.node("Relu", {"a"}, "b", "['', 'model', 'model.encoder', 'model.encoder.layer.10', 'relu']");
  g.node("Constant", {}, "c");
  g.node("Add", {"b", "c"}, "d", "['', 'model', 'model.encoder', 'model.encoder.layer.1', 'add']");
  g.node("Mul", {"d", "c"}, "y", "['', 'model', 'model.encoder', 'model.encoder.layer.10', 'mul']");
  g.node("Identity", {"y"}, "out");
  for (const char* v : {"e", "s", "a", "b", "c", "d", "y"}) g.value(v);
  g.value("out", false, true);
  return g.build();
}

TEST(HierarchyProjection, TagsEveryNodeByScopeThenDataFlow) {
  OnnxModel model = sample_model();
  ProjectionStats stats;
  std::string document = project_hierarchy(model, bert_like_modules(), {}, &stats);
  const auto& graph = OnnxModelAccess::proto(model).graph();
  std::vector<std::string> modules;
  for (const auto& node : graph.node()) modules.push_back(props_of(node)["modelexport.module"]);
  EXPECT_EQ(modules,
            (std::vector<std::string>{"embeddings", "encoder.layer.1.attention",
                                      "encoder.layer.1.attention", "encoder.layer.10", "encoder",
                                      "encoder.layer.1", "encoder.layer.10", "encoder.layer.10"}));
  EXPECT_EQ(stats.total_nodes, 8u);
  EXPECT_EQ(stats.direct, 5u);
  EXPECT_EQ(stats.inherited, 3u);
  EXPECT_EQ(stats.root_fallback, 0u);

  auto relu = props_of(graph.node(3));
  EXPECT_EQ(relu["modelexport.tag"], "/BertModel/BertEncoder/BertLayer.10");
  EXPECT_EQ(relu["namespace"], "encoder: BertEncoder/layer.10: BertLayer");
  auto reshape = props_of(graph.node(2));
  EXPECT_EQ(reshape["modelexport.tag"], "/BertModel/BertEncoder/BertLayer.1/BertAttention");
  EXPECT_EQ(reshape["namespace"],
            "encoder: BertEncoder/layer.1: BertLayer/attention: BertAttention");
  EXPECT_EQ(reshape.count("pkg.torch.onnx.name_scopes"), 1u);  // provenance kept

  auto json = nlohmann::json::parse(document);
  EXPECT_EQ(json["statistics"]["total_nodes"], 8);
  EXPECT_EQ(json["tree"]["class"], "BertModel");
  EXPECT_EQ(json["tree"]["subtree_nodes"], 8);
  EXPECT_EQ(json["tree"]["parameters"], 142);
  auto unused = json["statistics"]["unused_modules"];
  EXPECT_NE(std::find(unused.begin(), unused.end(), "pooler"), unused.end());
  EXPECT_NE(std::find(unused.begin(), unused.end(), "encoder.layer.0"), unused.end());
}

TEST(HierarchyProjection, CleanModeWritesNoNodeMetadata) {
  OnnxModel model = sample_model();
  ProjectionOptions options;
  options.write_tags = false;
  project_hierarchy(model, bert_like_modules(), options);
  for (const auto& node : OnnxModelAccess::proto(model).graph().node()) {
    EXPECT_EQ(node.metadata_props_size(), 0) << node.name();
  }
}

TEST(HierarchyProjection, NodesWithNothingToInheritFallBackToRoot) {
  GraphBuilder g;
  g.value("x", true);
  g.node("Identity", {"x"}, "out");
  g.value("out", false, true);
  OnnxModel model = g.build();
  ProjectionStats stats;
  project_hierarchy(model, bert_like_modules(), {}, &stats);
  EXPECT_EQ(stats.root_fallback, 1u);
  EXPECT_EQ(props_of(OnnxModelAccess::proto(model).graph().node(0))["modelexport.module"], "");
}

TEST(HierarchyProjection, SubgraphNodesInheritTheEnclosingNode) {
  GraphBuilder g;
  g.value("x", true);
  g.node("Constant", {}, "c");
  auto& branch = g.node("If", {"x"}, "y", "['', 'model', 'model.encoder.layer.1', 'cond']");
  auto* then_branch = branch.add_attribute();
  then_branch->set_name("then_branch");
  then_branch->set_type(onnx::AttributeProto::GRAPH);
  GraphBuilder::add_node(*then_branch->mutable_g(), "Identity", {"c"}, "t", "");
  g.value("y", false, true);
  OnnxModel model = g.build();
  ProjectionStats stats;
  project_hierarchy(model, bert_like_modules(), {}, &stats);
  const auto& graph = OnnxModelAccess::proto(model).graph();
  const auto& inner = graph.node(1).attribute(0).g().node(0);
  EXPECT_EQ(props_of(inner)["modelexport.module"], "encoder.layer.1");
  EXPECT_EQ(stats.total_nodes, 3u);
  // The constant is read only inside the If's body: the If is its consumer.
  EXPECT_EQ(props_of(graph.node(0))["modelexport.module"], "encoder.layer.1");
}

// A graph pass over a tagged model: one kept node, a fused node replacing a chain, a new
// helper feeding the fused node, a shared producer that must not widen the fused node's module.
TEST(HierarchyRetag, KeptNodesKeepTagsFusedNodesTakeTheCommonModuleOfWhatTheyReplaced) {
  // Original: x -> [layer.0.attention] q -> [layer.0.attention] r -> [layer.0] t -> [pooler] p;
  // m (embeddings, shared) feeds r and layer.1's u.
  GraphBuilder before;
  before.value("x", true);
  before.node("Gather", {"x"}, "m", "['', 'model', 'model.embeddings', 'embedding']");
  before.node("MatMul", {"x"}, "q",
              "['', 'model', 'model.encoder', 'model.encoder.layer.0', "
              "'model.encoder.layer.0.attention', 'matmul']");
  before.node("Add", {"q", "m"}, "r",
              "['', 'model', 'model.encoder', 'model.encoder.layer.0', "
              "'model.encoder.layer.0.attention', 'add']");
  before.node("Relu", {"r"}, "t",
              "['', 'model', 'model.encoder', 'model.encoder.layer.0', 'relu']");
  before.node("Mul", {"m", "x"}, "u",
              "['', 'model', 'model.encoder', 'model.encoder.layer.1', 'mul']");
  before.node("Add", {"t", "u"}, "p", "['', 'model', 'model.pooler', 'add']");
  before.value("p", false, true);
  OnnxModel original = before.build();
  project_hierarchy(original, bert_like_modules(), {});

  // After: Gather, Mul and the pooler's Add kept (Gather's tags dropped, as ORT's tools do on
  // some paths); MatMul+Add+Relu fused into "Fused" (output t); "Prep" is a new helper whose
  // new output only the fused node reads.
  GraphBuilder after;
  after.value("x", true);
  after.node("Gather", {"x"}, "m");
  after.node("Cast", {"x"}, "prep").set_name("Prep");
  after.node("FusedBlock", {"prep", "m"}, "t").set_name("Fused");
  after.node("Mul", {"m", "x"}, "u");
  after.node("Add", {"t", "u"}, "p");
  after.value("p", false, true);
  OnnxModel transformed = after.build();
  auto* kept_mul = OnnxModelAccess::proto(transformed).mutable_graph()->mutable_node(3);
  kept_mul->add_metadata_props()->set_key("stale");

  ProjectionStats stats;
  auto document = nlohmann::json::parse(
      retag_after_pass(original, transformed, bert_like_modules(), 0, &stats));
  std::vector<std::string> modules;
  for (const auto& node : OnnxModelAccess::proto(transformed).graph().node()) {
    modules.push_back(props_of(node)["modelexport.module"]);
  }
  // The fused node's removed cone is MatMul, Add, Relu (not the shared Gather): their common
  // module is layer.0. The helper's output is new: it takes the removed consumer of its input
  // (the MatMul it helps replace).
  EXPECT_EQ(modules, (std::vector<std::string>{"embeddings", "encoder.layer.0.attention",
                                               "encoder.layer.0", "encoder.layer.1", "pooler"}));
  EXPECT_EQ(props_of(OnnxModelAccess::proto(transformed).graph().node(2))["modelexport.tag"],
            "/BertModel/BertEncoder/BertLayer.0");
  EXPECT_EQ(stats.total_nodes, 5u);
  EXPECT_EQ(stats.direct, 3u);
  EXPECT_EQ(stats.inherited, 2u);
  EXPECT_EQ(stats.root_fallback, 0u);
  EXPECT_EQ(document["statistics"]["graph_pass"]["kept"], 3);
  EXPECT_EQ(document["statistics"]["graph_pass"]["from_replaced_nodes"], 2);
  EXPECT_EQ(document["statistics"]["graph_pass"]["from_data_flow"], 0);
  EXPECT_EQ(document["tree"]["subtree_nodes"], 5);
}

TEST(HierarchyRetag, NewNodesWithoutOriginalTensorsTakeTheRemovedConsumersOfTheirInputs) {
  GraphBuilder before;
  before.value("x", true);
  before.node("MatMul", {"x"}, "q",
              "['', 'model', 'model.encoder', 'model.encoder.layer.1', "
              "'model.encoder.layer.1.attention', 'matmul']");
  before.node("Relu", {"q"}, "y", "['', 'model', 'model.pooler', 'relu']");
  before.value("y", false, true);
  OnnxModel original = before.build();
  project_hierarchy(original, bert_like_modules(), {});
  // Quantization: x -> DynamicQuantizeLinear (new output) -> MatMulInteger -> Mul (output q):
  // the quantizer by the MatMul that read x, the scale Mul by the MatMul whose output it
  // writes, the MatMulInteger between them by data flow.
  GraphBuilder after;
  after.value("x", true);
  after.node("DynamicQuantizeLinear", {"x"}, "xq").set_name("x_quant");
  after.node("MatMulInteger", {"xq"}, "qi").set_name("mm_quant");
  after.node("Mul", {"qi"}, "q").set_name("mm_scale");
  after.node("Relu", {"q"}, "y");
  after.value("y", false, true);
  OnnxModel transformed = after.build();
  retag_after_pass(original, transformed, bert_like_modules(), 0);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(props_of(OnnxModelAccess::proto(transformed).graph().node(i))["modelexport.module"],
              "encoder.layer.1.attention");
  }
}

TEST(ScopeResolver, TorchScriptNamesResolveComponentWise) {
  hierarchy::ModuleTree tree(bert_like_modules());
  hierarchy::ScopeResolver resolver(tree, "model");
  auto path = [&](std::string_view name) {
    int index = resolver.resolve_node_name(name);
    return index == hierarchy::kNoModule ? std::string("<none>") : tree.at(index).path;
  };
  EXPECT_EQ(path("/model/encoder/layer.10/Add"), "encoder.layer.10");
  EXPECT_EQ(path("/model/encoder/layer.1/attention/MatMul_2"), "encoder.layer.1.attention");
  // TorchScript repeats the container: /layer/layer.0/ is encoder.layer.0.
  EXPECT_EQ(path("/model/encoder/layer/layer.0/attention/Softmax"), "encoder.layer.0.attention");
  EXPECT_EQ(path("/model/Constant_3"), "");
  EXPECT_EQ(path("/Constant_3"), "<none>");
  EXPECT_EQ(path("node_add_3"), "<none>");
}

TEST(ScopeResolver, DynamoScopesStripTheWrapperAndCallSuffixes) {
  hierarchy::ModuleTree tree(bert_like_modules());
  hierarchy::ScopeResolver resolver(tree, "model");
  auto path = [&](std::string_view scopes) {
    int index = resolver.resolve_name_scopes(scopes);
    return index == hierarchy::kNoModule ? std::string("<none>") : tree.at(index).path;
  };
  EXPECT_EQ(path("['', 'model', 'model.encoder.layer.1@2', 'add']"), "encoder.layer.1");
  EXPECT_EQ(path("['', 'getitem']"), "<none>");  // the export wrapper itself
  EXPECT_EQ(path("['', 'model', 'add']"), "");
  // Scopes below the listed modules (e.g. an activation object) map to the deepest known one.
  EXPECT_EQ(path("['', 'model', 'model.encoder.layer.10.intermediate.act', 'gelu']"),
            "encoder.layer.10");
  // A scope matching nothing below the root is no recorded module (it inherits instead).
  EXPECT_EQ(path("['', 'model', 'model.decoder.block', 'add']"), "<none>");
}

TEST(ExtractModule, BoundaryTensorsBecomeInputsAndOutputs) {
  OnnxModel model = sample_model();
  project_hierarchy(model, bert_like_modules(), {});
  OnnxModel sub = extract_module(model, "encoder.layer.10");
  const auto& graph = OnnxModelAccess::proto(sub).graph();
  std::vector<std::string> inputs, outputs, ops;
  for (const auto& v : graph.input()) inputs.push_back(v.name());
  for (const auto& v : graph.output()) outputs.push_back(v.name());
  for (const auto& n : graph.node()) ops.push_back(n.op_type());
  EXPECT_EQ(ops, (std::vector<std::string>{"Relu", "Mul", "Identity"}));
  EXPECT_EQ(inputs, (std::vector<std::string>{"a", "c", "d"}));
  EXPECT_EQ(outputs, (std::vector<std::string>{"b", "out"}));

  // "encoder.layer.1" must not swallow "encoder.layer.10".
  OnnxModel layer1 = extract_module(model, "encoder.layer.1");
  for (const auto& n : OnnxModelAccess::proto(layer1).graph().node()) {
    EXPECT_NE(n.op_type(), "Relu");
  }
  EXPECT_THROW(extract_module(model, "pooler"), std::invalid_argument);
  EXPECT_THROW(extract_module(sample_model(), "encoder"), std::invalid_argument);  // untagged
}

TEST(HierarchyGraphml, NestsModulesAndKeepsEdges) {
  OnnxModel model = sample_model();
  project_hierarchy(model, bert_like_modules(), {});
  std::string xml = hierarchy_graphml(model);
  EXPECT_NE(xml.find("<node id=\"module:encoder\" yfiles.foldertype=\"group\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<graph id=\"module:encoder:\""), std::string::npos);
  EXPECT_NE(xml.find("<graph id=\"module:encoder.layer.10:\""), std::string::npos);
  EXPECT_NE(xml.find("source=\"input:x\" target=\"op:0\""), std::string::npos);
  EXPECT_NE(xml.find("target=\"output:out\""), std::string::npos);
}

}  // namespace
}  // namespace modelexport
