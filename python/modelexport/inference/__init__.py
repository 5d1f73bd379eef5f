"""Native inference: `pipeline(model="OUT_DIR/model.onnx")` runs a package through the C++
runtime (no PyTorch, no transformers) and returns what the transformers pipeline returns."""

from modelexport.inference.pipelines import Pipeline, PipelineError, pipeline
from modelexport.inference.tokenizer import Tokenizer

__all__ = ["Pipeline", "PipelineError", "Tokenizer", "pipeline"]
