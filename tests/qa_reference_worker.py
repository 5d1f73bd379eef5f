"""Reference answers for question-answering parity: runs transformers' QuestionAnsweringPipeline
(transformers 4.57 in .venv-optimum; transformers 5 has no such pipeline) on the PyTorch model.

stdin: {"model": DIR, "tokenizer": DIR, "input_names": [...], "cases": [{"inputs": ..., "kwargs":
{...}}, ...]}; input_names are the exported graph's inputs: transformers 4.57 feeds some models
(ALBERT) token_type_ids that transformers 5, which the package was exported with, does not.
stdout: one JSON list, the pipeline's result per case."""

from __future__ import annotations

import json
import sys


def main() -> None:
    job = json.load(sys.stdin)
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer, pipeline

    model = AutoModelForQuestionAnswering.from_pretrained(job["model"])
    tokenizer = AutoTokenizer.from_pretrained(job["tokenizer"])
    tokenizer.model_input_names = list(job["input_names"])
    qa = pipeline("question-answering", model=model, tokenizer=tokenizer)
    results = [qa(case["inputs"], **case["kwargs"]) for case in job["cases"]]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
