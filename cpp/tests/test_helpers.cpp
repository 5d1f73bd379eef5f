// Test helpers: model construction and scratch directories.
#include "test_helpers.h"

#include <cstdlib>
#include <fstream>
#include <stdexcept>

#include "onnx/onnx-ml.pb.h"

namespace modelexport::testing {

std::string identity_model_bytes() {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.set_producer_name("modelexport-tests");
  auto* opset = model.add_opset_import();
  opset->set_version(17);
  auto* graph = model.mutable_graph();
  graph->set_name("identity");
  auto* node = graph->add_node();
  node->set_op_type("Identity");
  node->add_input("x");
  node->add_output("y");
  for (const char* name : {"x", "y"}) {
    auto* value = std::string(name) == "x" ? graph->add_input() : graph->add_output();
    value->set_name(name);
    auto* tensor = value->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(onnx::TensorProto::FLOAT);
    tensor->mutable_shape()->add_dim()->set_dim_value(1);
    tensor->mutable_shape()->add_dim()->set_dim_param("sequence");
  }
  auto* init = graph->add_initializer();
  init->set_name("unused_weight");
  init->set_data_type(onnx::TensorProto::FLOAT);
  init->add_dims(1);
  init->add_float_data(0.5f);
  auto* init_input = graph->add_input();
  init_input->set_name("unused_weight");
  init_input->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  return model.SerializeAsString();
}

std::string int64_input_model_bytes(const std::vector<std::int64_t>& dims) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.set_producer_name("modelexport-tests");
  model.add_opset_import()->set_version(17);
  auto* graph = model.mutable_graph();
  graph->set_name("cast");
  auto* node = graph->add_node();
  node->set_op_type("Cast");
  node->add_input("input_ids");
  node->add_output("y");
  auto* to = node->add_attribute();
  to->set_name("to");
  to->set_type(onnx::AttributeProto::INT);
  to->set_i(onnx::TensorProto::FLOAT);
  for (const char* name : {"input_ids", "y"}) {
    const bool input = std::string(name) == "input_ids";
    auto* value = input ? graph->add_input() : graph->add_output();
    value->set_name(name);
    auto* tensor = value->mutable_type()->mutable_tensor_type();
    tensor->set_elem_type(input ? onnx::TensorProto::INT64 : onnx::TensorProto::FLOAT);
    for (std::size_t axis = 0; axis < dims.size(); ++axis) {
      auto* dim = tensor->mutable_shape()->add_dim();
      if (dims[axis] < 0) {
        dim->set_dim_param("d" + std::to_string(axis));
      } else {
        dim->set_dim_value(dims[axis]);
      }
    }
  }
  return model.SerializeAsString();
}

ScratchDir::ScratchDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "modelexport-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void write_text(const std::string& path, const std::string& contents) {
  std::ofstream out(path, std::ios::binary);
  out << contents;
}

}  // namespace modelexport::testing
