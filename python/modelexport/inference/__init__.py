"""Native inference: `pipeline(model="OUT_DIR/model.onnx")` runs a package through the C++
runtime (no PyTorch, no transformers) and returns what the transformers pipeline returns."""

from modelexport.inference.pipelines import (
    FeatureExtractionPipeline,
    FillMaskPipeline,
    TextClassificationPipeline,
    pipeline,
)
from modelexport.inference.tokenizer import Tokenizer

__all__ = [
    "FeatureExtractionPipeline",
    "FillMaskPipeline",
    "TextClassificationPipeline",
    "Tokenizer",
    "pipeline",
]
