"""Benchmark (not a test): hierarchy projection in the C++ core on a large graph.

Builds a BERT encoder from config (random weights; --layers deep), exports it with the same
exporter path as `modelexport export`, then times project_hierarchy with
build/modelexport-bench-projection (parse and save excluded). Prints node counts and seconds.

    .venv/bin/python bench/bench_projection.py [--layers 172] [--exporter torchscript|dynamo]

The dynamo exporter's optimized graph has ~36 nodes per BERT layer, TorchScript's ~62;
the default (172 layers, TorchScript, ~10,300 nodes) is the 10,000+ node case; --layers 300
--exporter dynamo gives ~10,800 nodes but its export alone takes ~9 minutes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from transformers import BertConfig, BertModel

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "python"))

from modelexport.export.exporter import _module_tree  # noqa: E402
from modelexport.export.onnx_export import TaskOutputs, export_onnx  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--layers", type=int, default=172)
    parser.add_argument("--sequence-length", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--exporter", choices=["dynamo", "torchscript"], default="torchscript")
    args = parser.parse_args()

    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=1000,
        hidden_size=64,
        num_hidden_layers=args.layers,
        num_attention_heads=4,
        intermediate_size=128,
    )
    model = BertModel(config).eval()
    ids = np.random.default_rng(0).integers(0, 1000, size=(1, args.sequence_length))
    inputs = {
        "input_ids": ids.astype(np.int64),
        "attention_mask": np.ones_like(ids, dtype=np.int64),
        "token_type_ids": np.zeros_like(ids, dtype=np.int64),
    }
    with tempfile.TemporaryDirectory() as scratch:
        raw = Path(scratch) / "raw.onnx"
        start = time.perf_counter()
        outcome = export_onnx(
            TaskOutputs(model, ("last_hidden_state",)),
            inputs,
            raw,
            axes=None,
            opset=None,
            exporter=args.exporter,
        )
        export_seconds = time.perf_counter() - start
        modules_file = Path(scratch) / "modules.json"
        modules_file.write_text(json.dumps(_module_tree(model)))
        result = subprocess.run(
            [
                str(REPO / "build" / "modelexport-bench-projection"),
                str(raw),
                str(modules_file),
                str(args.repeats),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    timing = json.loads(result.stdout)
    print(
        json.dumps(
            {
                "layers": args.layers,
                "exporter": outcome.exporter,
                "export_seconds": round(export_seconds, 1),
                **timing,
            }
        )
    )


if __name__ == "__main__":
    main()
