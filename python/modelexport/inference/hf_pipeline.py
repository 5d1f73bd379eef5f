"""create_pipeline: a standard transformers pipeline over Optimum's ORTModel, fed by the
fixed-shape processors (the seeds' "enhanced pipeline"). The processor goes to the pipeline
argument its kind takes: a tokenizer to `tokenizer=`, an image processor to
`image_processor=`, a feature extractor to `feature_extractor=`, a multimodal processor to
`processor=` (with its components, which the pipeline factory asks for one by one).

Needs Optimum (optimum-onnx), which pins transformers 4.57: it lives in `.venv-optimum`. The
native path, without transformers or Optimum, is `modelexport.pipeline`."""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Any

from modelexport import _native, package_files
from modelexport.errors import ModelExportError
from modelexport.inference.processors import (
    ONNXAutoProcessor,
    ONNXFeatureExtractor,
    ONNXImageProcessor,
    ONNXProcessor,
    ONNXTokenizer,
    read_graph_shapes,
)

_NEEDS_OPTIMUM = (
    "create_pipeline needs Optimum (pip install optimum-onnx[onnxruntime]; scripts/setup.sh "
    "puts it in .venv-optimum) to load {model}; modelexport.pipeline(model=...) runs packages "
    "natively without it"
)


def create_pipeline(task: str | None, model: Any, data_processor: Any = None, **kwargs: Any) -> Any:
    """A transformers pipeline for `task` over `model` (a package folder, an .onnx file or an
    Optimum ORTModel) with `data_processor` routed to the argument its kind takes. Without a
    data_processor, ONNXAutoProcessor.from_model(model) gives one. kwargs go to
    transformers.pipeline."""
    from transformers import pipeline

    onnx_path = _onnx_path(model)
    if task is None:
        if onnx_path is None:
            raise ModelExportError("create_pipeline needs a task for an ORTModel without a path")
        task = _native.package_task(onnx_path)
    if onnx_path is not None:
        _check_batch(onnx_path)
    if isinstance(model, str | os.PathLike):
        model = _load_ort_model(task, str(model), onnx_path or "")
    if not hasattr(model, "main_input_name") and onnx_path is not None:
        # Optimum 2.1's ORTModelForCTC lacks it; transformers 4.57's ASR pipeline reads it.
        model.main_input_name = next(iter(read_graph_shapes(onnx_path).inputs))
    if data_processor is None:
        if onnx_path is None:
            raise ModelExportError("create_pipeline needs a data_processor for this model")
        data_processor = ONNXAutoProcessor.from_model(onnx_path)
    return pipeline(task, model=model, **_route(data_processor), **kwargs)


def _onnx_path(model: Any) -> str | None:
    """The .onnx file behind a path or an ORTModel (None when it has none)."""
    if isinstance(model, str | os.PathLike):
        try:
            return _native.resolve_model_path(os.fspath(model))
        except ValueError as error:
            raise ModelExportError(str(error)) from None
    path = getattr(model, "path", None)  # ORTModel: the session's model file
    return str(path) if path is not None and Path(path).is_file() else None


def _check_batch(onnx_path: str) -> None:
    batch = read_graph_shapes(onnx_path).batch_size
    if batch is not None and batch > 1:
        raise ModelExportError(
            f"{onnx_path}: the graph takes batches of exactly {batch}; transformers pipelines "
            "feed one input (one QA span, one token-classification chunk) per call: export with "
            "--batch-size 1 or --dynamic, or use modelexport.pipeline, which splits and pads "
            "batches"
        )


def _load_ort_model(task: str, given: str, onnx_path: str) -> Any:
    try:
        import optimum.onnxruntime as ort
    except ImportError:
        raise ModelExportError(_NEEDS_OPTIMUM.format(model=given)) from None
    class_name = next(
        (spec["ort_model_class"] for spec in _native.task_registry() if spec["name"] == task), None
    )
    if class_name is None:
        raise ModelExportError(f"unknown task '{task}'")
    if not class_name:
        raise ModelExportError(
            f"Optimum has no ORTModel class for task '{task}': use modelexport.pipeline(model=...)"
        )
    path = Path(onnx_path)
    if not package_files.is_single_file(path):
        return getattr(ort, class_name).from_pretrained(path.parent, file_name=path.name)
    # Optimum reads config.json beside the model: a single file's embedded files go into a
    # folder of their own, beside a link to the model, removed with the ORTModel.
    scratch = Path(tempfile.mkdtemp(prefix="modelexport-ort-"))
    try:
        _native.extract_embedded_files(str(path), str(scratch))
        (scratch / "model.onnx").symlink_to(path.resolve())
        model = getattr(ort, class_name).from_pretrained(scratch, file_name="model.onnx")
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    weakref.finalize(model, shutil.rmtree, scratch, True)
    return model


def _route(processor: Any) -> dict[str, Any]:
    """The transformers.pipeline argument(s) a processor goes to."""
    if isinstance(processor, ONNXProcessor):
        routed = {"processor": processor}
        for name in ("tokenizer", "image_processor", "feature_extractor"):
            part = getattr(processor, name, None)
            if part is not None:
                routed[name] = part
        return routed
    if isinstance(processor, ONNXTokenizer):
        return {"tokenizer": processor}
    if isinstance(processor, ONNXImageProcessor):
        return {"image_processor": processor}
    if isinstance(processor, ONNXFeatureExtractor):
        return {"feature_extractor": processor}
    # A transformers processor given as it is.
    from transformers import (
        BaseImageProcessor,
        FeatureExtractionMixin,
        PreTrainedTokenizerBase,
        ProcessorMixin,
    )

    if isinstance(processor, ProcessorMixin):
        return {"processor": processor}
    if isinstance(processor, PreTrainedTokenizerBase):
        return {"tokenizer": processor}
    if isinstance(processor, BaseImageProcessor):
        return {"image_processor": processor}
    if isinstance(processor, FeatureExtractionMixin):
        return {"feature_extractor": processor}
    raise ModelExportError(
        f"data_processor: {type(processor).__name__} is not a tokenizer, image processor, "
        "feature extractor or processor"
    )
