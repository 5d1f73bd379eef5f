"""modelexport: Hugging Face models to self-describing, Optimum-compatible ONNX packages."""

from modelexport._onnxruntime_library import preload_onnxruntime
from modelexport.errors import ModelExportError
from modelexport.version import __version__

preload_onnxruntime()

__all__ = [
    "ModelExportError",
    "ONNXAutoProcessor",
    "ONNXFeatureExtractor",
    "ONNXImageProcessor",
    "ONNXProcessor",
    "ONNXTokenizer",
    "__version__",
    "create_pipeline",
    "export_with_config",
    "validate_optimum_compatibility",
]

_HF_COMPAT = (
    "ONNXAutoProcessor",
    "ONNXFeatureExtractor",
    "ONNXImageProcessor",
    "ONNXProcessor",
    "ONNXTokenizer",
    "create_pipeline",
)


def __getattr__(name: str) -> object:
    # The exporter pulls in torch and transformers; import it only when asked for.
    if name == "export_with_config":
        from modelexport.export.exporter import export_with_config

        return export_with_config
    if name in ("pipeline", "Pipeline", "PipelineError", "Tokenizer"):
        from modelexport import inference

        return getattr(inference, name)
    if name in _HF_COMPAT:
        # The transformers-facing layer: imports transformers only when called.
        from modelexport.inference import hf_pipeline, processors

        return getattr(hf_pipeline if name == "create_pipeline" else processors, name)
    if name == "validate_optimum_compatibility":
        from modelexport.optimum_compat import validate_optimum_compatibility

        return validate_optimum_compatibility
    raise AttributeError(f"module 'modelexport' has no attribute {name!r}")
