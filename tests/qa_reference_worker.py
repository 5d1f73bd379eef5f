"""Reference answers for question-answering parity: runs transformers' QuestionAnsweringPipeline
(transformers 4.57 in .venv-optimum; transformers 5 has no such pipeline) on the PyTorch model.

stdin: {"model": DIR, "tokenizer": DIR, "cases": [{"inputs": ..., "kwargs": {...}}, ...]}
stdout: one JSON list, the pipeline's result per case."""

from __future__ import annotations

import json
import sys


def main() -> None:
    job = json.load(sys.stdin)
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer, pipeline

    model = AutoModelForQuestionAnswering.from_pretrained(job["model"])
    tokenizer = AutoTokenizer.from_pretrained(job["tokenizer"])
    qa = pipeline("question-answering", model=model, tokenizer=tokenizer)
    results = [qa(case["inputs"], **case["kwargs"]) for case in job["cases"]]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
