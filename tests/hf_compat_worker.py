"""The Optimum-pipeline-over-fixed-shapes matrix, measured in .venv-optimum (transformers 4.57,
Optimum): for each fixed-shape package, three transformers pipelines on the same input.

- before: what a new user writes, `transformers.pipeline(task, model=ORTModelFor*.from_pretrained(
  PACKAGE), tokenizer/image_processor/feature_extractor=Auto*.from_pretrained(PACKAGE))`;
- after: `modelexport.create_pipeline(task, PACKAGE)` (ONNXAutoProcessor's processor), and
  after_ort_model: create_pipeline over an ORTModel already loaded, with the processor given;
- reference: the transformers pipeline on the PyTorch model (the fixture folder) with the
  package's processors as transformers loads them (no fixed shapes).

stdin: {"jobs": [{"task", "package", "fixture", "input": {"text" | "question"+"context" |
"image": [h, w, seed] | "audio": [seconds, seed]}, "kwargs": {...}}, ...]}
stdout: one JSON line per job: {"before": result | {"error"}, "after": ..., "after_ort_model": ...,
"reference": ...}.
Needs PYTHONPATH to hold the repository's python/ folder; MODELEXPORT_NATIVE_DIR names the folder
of the built _native extension when it is not in there (an editable install keeps it elsewhere).
modelexport is not installed in .venv-optimum; a user would install the wheel there."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import numpy as np

ROUTE = {"text": "tokenizer", "image": "image_processor", "audio": "feature_extractor"}
AUTO_MODEL = {
    "text-classification": "AutoModelForSequenceClassification",
    "token-classification": "AutoModelForTokenClassification",
    "question-answering": "AutoModelForQuestionAnswering",
    "image-classification": "AutoModelForImageClassification",
    "object-detection": "AutoModelForObjectDetection",
    "audio-classification": "AutoModelForAudioClassification",
    "automatic-speech-recognition": "AutoModelForCTC",
    "zero-shot-image-classification": "AutoModelForZeroShotImageClassification",
}


def make_input(spec: dict[str, Any]) -> Any:
    if "image" in spec:
        from PIL import Image

        height, width, seed = spec["image"]
        pixels = np.random.RandomState(seed).randint(0, 256, (height, width, 3), dtype=np.uint8)
        return Image.fromarray(pixels)
    if "audio" in spec:
        seconds, seed = spec["audio"]
        rng = np.random.RandomState(seed)
        t = np.arange(int(16000 * seconds)) / 16000
        return (0.3 * np.sin(2 * np.pi * 440 * t) + 0.05 * rng.randn(t.size)).astype(np.float32)
    if "question" in spec:
        return {"question": spec["question"], "context": spec["context"]}
    return spec["text"]


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def attempt(make: Any, inputs: Any, kwargs: dict[str, Any]) -> Any:
    try:
        return jsonable(make()(inputs, **kwargs))
    except Exception as error:
        lines = str(error).strip().splitlines()
        return {"error": f"{type(error).__name__}: {lines[0] if lines else ''}"[:400]}


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    import optimum.onnxruntime as ort
    import transformers
    from transformers import pipeline

    from modelexport import ONNXAutoProcessor, _native, create_pipeline

    task, package, fixture = job["task"], job["package"], job["fixture"]
    spec = next(t for t in _native.task_registry() if t["name"] == task)
    inputs = make_input(job["input"])
    kwargs = job.get("kwargs", {})
    auto = {
        "tokenizer": transformers.AutoTokenizer,
        "image_processor": transformers.AutoImageProcessor,
        "feature_extractor": transformers.AutoFeatureExtractor,
    }
    # A dual encoder's pipeline takes its tokenizer and image processor as two arguments.
    routes = ["tokenizer", "image_processor"] if spec["modality"] == "image-text" else []
    routes = routes or [ROUTE[spec["modality"]]]
    # A single-file package's processors for the plain pipelines come from its folder form.
    folder = job.get("processor_folder", package)
    processors: dict[str, Any] = {r: auto[r].from_pretrained(folder) for r in routes}
    if task == "automatic-speech-recognition":
        processors["tokenizer"] = transformers.AutoTokenizer.from_pretrained(folder)

    def before() -> Any:
        if not spec["ort_model_class"]:
            raise LookupError(f"Optimum has no ORTModel class for {task}")
        model = getattr(ort, spec["ort_model_class"]).from_pretrained(package)
        return pipeline(task, model=model, **processors)

    def reference() -> Any:
        model = getattr(transformers, AUTO_MODEL[task]).from_pretrained(fixture)
        return pipeline(task, model=model, **processors)

    def after_ort_model() -> Any:  # the ORTModel in memory, the processor from the .onnx file
        model = getattr(ort, spec["ort_model_class"]).from_pretrained(package)
        processor = ONNXAutoProcessor.from_model(f"{package}/model.onnx")
        return create_pipeline(task, model, data_processor=processor)

    return {
        "task": task,
        "package": package,
        "ort_model_class": spec["ort_model_class"],
        "before": attempt(before, inputs, kwargs),
        "after": attempt(lambda: create_pipeline(task, package), inputs, kwargs),
        "after_ort_model": attempt(after_ort_model, inputs, kwargs),
        "reference": attempt(reference, inputs, kwargs),
    }


def main() -> int:
    import transformers

    import modelexport

    native_dir = os.environ.get("MODELEXPORT_NATIVE_DIR")
    if native_dir:
        modelexport.__path__.append(native_dir)

    transformers.logging.set_verbosity_error()
    for job in json.load(sys.stdin)["jobs"]:
        print(json.dumps(run_job(job)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
