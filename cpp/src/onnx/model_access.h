// Internal: the protobuf behind an OnnxModel, for the core's graph algorithms (hierarchy
// projection, extraction, GraphML). Not part of the public API.
#pragma once

#include "modelexport/onnx_model.h"
#include "onnx/onnx-ml.pb.h"

namespace modelexport {

struct OnnxModelAccess {
  static onnx::ModelProto& proto(OnnxModel& model);
  static const onnx::ModelProto& proto(const OnnxModel& model);
  static OnnxModel wrap(onnx::ModelProto proto);
};

}  // namespace modelexport
