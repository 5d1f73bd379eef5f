"""Runs inside the Optimum environment (transformers 4.57): loads a package with the task's
ORTModelFor* class, runs it on the given inputs and saves its outputs.

Usage: python _optimum_worker.py PACKAGE_DIR TASK INPUTS.npz OUTPUTS.npz
Prints one JSON line: {"model_class": ..., "tokenizer_loaded": ...}. Imports nothing from
modelexport (it is not installed in that environment)."""

from __future__ import annotations

import json
import sys

import numpy as np

_MODEL_CLASSES = {
    "feature-extraction": "ORTModelForFeatureExtraction",
    "text-classification": "ORTModelForSequenceClassification",
    "token-classification": "ORTModelForTokenClassification",
    "question-answering": "ORTModelForQuestionAnswering",
    "fill-mask": "ORTModelForMaskedLM",
}
_OUTPUT_NAMES = ("last_hidden_state", "logits", "start_logits", "end_logits")


def main() -> int:
    package_dir, task, inputs_file, outputs_file = sys.argv[1:5]
    import optimum.onnxruntime
    from transformers import AutoTokenizer

    model_class = getattr(optimum.onnxruntime, _MODEL_CLASSES[task])
    model = model_class.from_pretrained(package_dir)
    try:
        AutoTokenizer.from_pretrained(package_dir)
        tokenizer_loaded = True
    except Exception:
        tokenizer_loaded = False
    with np.load(inputs_file) as data:
        inputs = {name: data[name] for name in data.files}
    outputs = model(**inputs, return_dict=True)
    arrays = {
        name: np.asarray(outputs[name]) for name in _OUTPUT_NAMES if outputs.get(name) is not None
    }
    np.savez(outputs_file, **arrays)
    print(json.dumps({"model_class": model_class.__name__, "tokenizer_loaded": tokenizer_loaded}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
