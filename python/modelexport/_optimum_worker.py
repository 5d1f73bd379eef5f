"""Runs inside the Optimum environment (transformers 4.57): loads each package with its task's
ORTModelFor* class, runs it on the given inputs and saves its outputs.

Usage: python _optimum_worker.py JOBS.json
JOBS.json lists jobs {"package": DIR, "model_class": ORTModelFor*, "outputs_names": [...],
"inputs": NPZ, "outputs": NPZ} plus, for text packages, "texts": [...] and, for image packages,
"images": NPZ (image_0, image_1, ...) with "processor_kwargs" and, for audio packages, "clips":
NPZ (clip_0, ...) with "sampling_rate", "length" (samples to pad raw waveforms to, or null)
and "feature_name" (plus "texts" for a CTC tokenizer); the class and output names come from the
task registry of the C++ core (through optimum_compat), never spelled here.
Prints one JSON line per job: {"package", "model_class", "token_ids" or "tokenizer_error"} (text)
or {"package", "model_class", "pixel_max_abs_diff" or "processor_error" or
"processor_unchecked"} (images: how far this transformers' image processor is from the
pixel_values in "inputs"), or {"package", "model_class", "feature_max_abs_diff" or
"processor_error"} (audio: the same for the feature extractor), or {"package", "error"} when the
model does not load.
One process serves many packages because importing Optimum takes seconds. Imports nothing
from modelexport (it is not installed in that environment)."""

from __future__ import annotations

import json
import sys
from typing import Any

import numpy as np


def run_job(job: dict[str, Any]) -> dict[str, Any]:
    import optimum.onnxruntime
    from transformers import AutoTokenizer

    model_class = getattr(optimum.onnxruntime, job["model_class"])
    result: dict[str, Any] = {"package": job["package"], "model_class": model_class.__name__}
    model = model_class.from_pretrained(job["package"])
    with np.load(job["inputs"]) as data:
        inputs = {name: data[name] for name in data.files}
    if "images" in job:
        result.update(check_image_processor(job, inputs["pixel_values"]))
    elif "clips" in job:
        result.update(check_feature_extractor(job, inputs))
    if "texts" in job:  # text packages, and the CTC tokenizer of speech recognition
        try:
            tokenizer = AutoTokenizer.from_pretrained(job["package"])
            result["token_ids"] = [tokenizer(text)["input_ids"] for text in job["texts"]]
        except Exception as error:
            result["tokenizer_error"] = f"{type(error).__name__}: {error}"[:300]
    outputs = model(**inputs, return_dict=True)
    arrays = {
        name: np.asarray(outputs[name])
        for name in job["output_names"]
        if outputs.get(name) is not None
    }
    np.savez(job["outputs"], **arrays)
    return result


def check_image_processor(job: dict[str, Any], expected: np.ndarray) -> dict[str, Any]:
    """This transformers' image processor, loaded from the package, on the job's images."""
    import importlib.util

    from transformers import AutoImageProcessor

    if importlib.util.find_spec("PIL") is None:
        # transformers' image processors need Pillow; requirements-optimum.txt may lack it.
        return {"processor_unchecked": "Pillow is not installed in the Optimum environment"}
    try:
        processor = AutoImageProcessor.from_pretrained(job["package"])
        with np.load(job["images"]) as data:
            images = [data[f"image_{i}"] for i in range(len(data.files))]
        pixels = processor(images, return_tensors="np", **job["processor_kwargs"])["pixel_values"]
    except Exception as error:
        return {"processor_error": f"{type(error).__name__}: {error}"[:300]}
    if pixels.shape != expected.shape:
        return {
            "processor_error": f"pixel_values shape {list(pixels.shape)} != {list(expected.shape)}"
        }
    return {
        "processor_class": type(processor).__name__,
        "pixel_max_abs_diff": float(np.abs(pixels.astype(np.float64) - expected).max()),
    }


def check_feature_extractor(job: dict[str, Any], inputs: dict[str, np.ndarray]) -> dict[str, Any]:
    """This transformers' feature extractor, loaded from the package, on the job's clips."""
    from transformers import AutoFeatureExtractor

    name = job["feature_name"]
    try:
        extractor = AutoFeatureExtractor.from_pretrained(job["package"])
        with np.load(job["clips"]) as data:
            clips = [data[f"clip_{i}"] for i in range(len(data.files))]
        kwargs: dict[str, Any] = {"sampling_rate": job["sampling_rate"], "return_tensors": "np"}
        if inputs[name].ndim == 2:  # raw waveforms: padded as the package's shapes say
            if job["length"] is None:
                kwargs["padding"] = "longest"
            else:
                kwargs.update(padding="max_length", max_length=job["length"], truncation=True)
        features = extractor(clips, **kwargs)[name]
    except Exception as error:
        return {"processor_error": f"{type(error).__name__}: {error}"[:300]}
    expected = inputs[name]
    if features.shape != expected.shape:
        return {"processor_error": f"{name} shape {list(features.shape)} != {list(expected.shape)}"}
    return {
        "processor_class": type(extractor).__name__,
        "feature_max_abs_diff": float(np.abs(features.astype(np.float64) - expected).max()),
    }


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as jobs_file:
        jobs = json.load(jobs_file)
    for job in jobs:
        try:
            result = run_job(job)
        except Exception as error:
            message = " ".join(str(error).split())[:500]
            result = {"package": job["package"], "error": f"{type(error).__name__}: {message}"}
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
