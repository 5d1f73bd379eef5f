"""Runs inside the Optimum environment (transformers 4.57): loads each package with its task's
ORTModelFor* class, runs it on the given inputs and saves its outputs.

Usage: python _optimum_worker.py JOBS.json
JOBS.json lists jobs {"package": DIR, "model_class": ORTModelFor*, "outputs_names": [...],
"inputs": NPZ, "outputs": NPZ, "texts": [...]}; the class and output names come from the task
registry of the C++ core (through optimum_compat), never spelled here.
Prints one JSON line per job: {"package", "model_class", "token_ids" or "tokenizer_error"}, or
{"package", "error"} when the model does not load. One process serves many packages because
importing Optimum takes seconds. Imports nothing from modelexport (it is not installed in that
environment)."""

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
    try:
        tokenizer = AutoTokenizer.from_pretrained(job["package"])
        result["token_ids"] = [tokenizer(text)["input_ids"] for text in job["texts"]]
    except Exception as error:
        result["tokenizer_error"] = f"{type(error).__name__}: {error}"[:300]
    with np.load(job["inputs"]) as data:
        inputs = {name: data[name] for name in data.files}
    outputs = model(**inputs, return_dict=True)
    arrays = {
        name: np.asarray(outputs[name])
        for name in job["output_names"]
        if outputs.get(name) is not None
    }
    np.savez(job["outputs"], **arrays)
    return result


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
