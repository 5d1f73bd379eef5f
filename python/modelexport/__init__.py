"""modelexport: Hugging Face models to self-describing, Optimum-compatible ONNX packages."""

from modelexport._onnxruntime_library import preload_onnxruntime
from modelexport.errors import ModelExportError
from modelexport.version import __version__

preload_onnxruntime()

__all__ = [
    "ModelExportError",
    "__version__",
    "export_with_config",
    "validate_optimum_compatibility",
]


def __getattr__(name: str) -> object:
    # The exporter pulls in torch and transformers; import it only when asked for.
    if name == "export_with_config":
        from modelexport.export.exporter import export_with_config

        return export_with_config
    if name in ("pipeline", "Pipeline", "PipelineError", "Tokenizer"):
        from modelexport import inference

        return getattr(inference, name)
    if name == "validate_optimum_compatibility":
        from modelexport.optimum_compat import validate_optimum_compatibility

        return validate_optimum_compatibility
    raise AttributeError(f"module 'modelexport' has no attribute {name!r}")
