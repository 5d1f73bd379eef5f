"""A package is data from strangers: each hostile change below gives one clean line (exit 1 from
the command line, ValueError from Python), never a crash, a traceback or bytes of files
outside the package. The limits live in cpp/include/modelexport/limits.h."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import onnx
import pytest

import modelexport
from modelexport import _native
from test_native_pipeline import RUN_BINARY

SECRET = "TOP-SECRET-BYTES-OUTSIDE-THE-PACKAGE"


def edit_tokenizer(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def apply(package: Path) -> None:
        path = package / "tokenizer.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        change(document)
        path.write_text(json.dumps(document), encoding="utf-8")

    return apply


def deep(component: str, key: str, leaf: str) -> Callable[[Path], None]:
    """A tokenizer.json component nested 10,000 levels deep, spliced in as text (Python's json
    would recurse as deeply to write it)."""

    def apply(package: Path) -> None:
        path = package / "tokenizer.json"
        document = json.loads(path.read_text(encoding="utf-8"))
        document[component] = "@@DEEP@@"
        nested = f'{{"type":"Sequence","{key}":[' * 10_000 + leaf + "]}" * 10_000
        path.write_text(json.dumps(document).replace('"@@DEEP@@"', nested), encoding="utf-8")

    return apply


def id_past_the_vocabulary(document: dict) -> None:
    """Every word maps to an id the embedding table does not have: ONNX Runtime fails the run."""
    vocab = document["model"]["vocab"]
    for token in vocab:
        if token not in ("[CLS]", "[SEP]", "[PAD]"):
            vocab[token] = 10_000_000


def huge_padding(document: dict) -> None:
    document["padding"] = {"strategy": "BatchLongest", "pad_to_multiple_of": 1_000_000_000}


def tokenizer_outside(package: Path) -> None:
    outside = package.parent / "secret.txt"
    outside.write_text(SECRET)
    (package / "tokenizer.json").unlink()
    (package / "tokenizer.json").symlink_to(outside)


def set_metadata(key: str, value: str) -> Callable[[Path], None]:
    def apply(package: Path) -> None:
        model = onnx.load(str(package / "model.onnx"))
        for prop in model.metadata_props:
            if prop.key == key:
                prop.value = value
        onnx.save(model, str(package / "model.onnx"))

    return apply


def external_data_outside(package: Path) -> None:
    """Weights moved to a file outside the package, referenced by a ../ path (written with the
    protobuf API: onnx's own saver refuses such a location)."""
    model = onnx.load(str(package / "model.onnx"))
    onnx.save_model(
        model,
        str(package / "model.onnx"),
        save_as_external_data=True,
        location="weights.bin",
        size_threshold=1024,
    )
    (package / "weights.bin").rename(package.parent / "weights.bin")
    model = onnx.load(str(package / "model.onnx"), load_external_data=False)
    for tensor in model.graph.initializer:
        for entry in tensor.external_data:
            if entry.key == "location":
                entry.value = "../weights.bin"
    (package / "model.onnx").write_bytes(model.SerializeToString())


def edit_shapes(change: Callable[[dict], None]) -> Callable[[Path], None]:
    """Rewrites hf_processor_config's shapes (stored plain: readers accept either form)."""

    def apply(package: Path) -> None:
        config = json.loads(dict(_native.read_metadata(str(package)))["hf_processor_config"])
        change(config["shapes"])
        set_metadata("hf_processor_config", json.dumps(config))(package)

    return apply


def truncated_weights(package: Path) -> None:
    """The shared weights file of a bucketed package cut in half."""
    data = package / "model.onnx_data"
    with data.open("r+b") as handle:
        handle.truncate(data.stat().st_size // 2)


CASES = {
    "shape buckets not increasing": (
        edit_shapes(lambda shapes: shapes.update(sequence_buckets=[32, 16, 128])),
        "sequence_buckets must be increasing positive lengths",
    ),
    "shape buckets past the graph": (
        edit_shapes(lambda shapes: shapes.update(sequence_buckets=[16, 256])),
        "shape buckets end at 256 tokens",
    ),
    "shared weights truncated": (truncated_weights, "past the end of its file"),
    "deep normalizer": (
        deep("normalizer", "normalizers", '{"type":"Lowercase"}'),
        "nesting deeper than 127",
    ),
    "deep pre-tokenizer": (
        deep("pre_tokenizer", "pretokenizers", '{"type":"Whitespace"}'),
        "nesting deeper than 127",
    ),
    "pad_to_multiple_of 1e9": (edit_tokenizer(huge_padding), "over the limit of 65536"),
    "tokenizer.json outside": (tokenizer_outside, "resolves outside the package"),
    "token id past the vocabulary": (edit_tokenizer(id_past_the_vocabulary), "ONNX Runtime"),
    "format version 3.0": (set_metadata("hf_metadata_version", "3.0"), "version 3.0"),
    "deep model config": (
        set_metadata("hf_model_config", '{"a":' + "[" * 100_000 + "]" * 100_000 + "}"),
        "nesting deeper than 127",
    ),
    "corrupt gz value": (set_metadata("hf_model_config", "gz:@@@@"), "hf_model_config"),
    "external data outside": (external_data_outside, "weights.bin"),
}


@pytest.fixture(scope="module")
def package(export_cache) -> Path:
    return export_cache.get("bert-text-classification", "fixed").output_dir


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_package_is_one_clean_error(package, tmp_path, case):
    damage, message = CASES[case]
    copy = tmp_path / "pkg"
    shutil.copytree(package, copy)
    damage(copy)

    # ValueError for what we check; ONNX Runtime's own refusals (external data) are RuntimeError.
    with pytest.raises((ValueError, RuntimeError)) as error:
        modelexport.pipeline(model=str(copy))("some text")
    assert message in str(error.value)
    assert SECRET not in str(error.value)

    native = subprocess.run(
        [str(RUN_BINARY), str(copy), "some text"], capture_output=True, text=True, check=False
    )
    assert native.returncode == 1, native.stdout
    assert len(native.stderr.strip().splitlines()) == 1, native.stderr
    assert message in native.stderr and SECRET not in native.stderr


def test_inspect_survives_a_deeply_nested_config(package, tmp_path, cli):
    copy = tmp_path / "pkg"
    shutil.copytree(package, copy)
    set_metadata("hf_model_config", '{"a":' + "[" * 100_000 + "]" * 100_000 + "}")(copy)
    for result in (
        cli("inspect", str(copy), "--json"),
        subprocess.run(
            [str(RUN_BINARY.parent / "modelexport-inspect"), str(copy), "--json"],
            capture_output=True,
            text=True,
            check=False,
        ),
    ):
        assert result.returncode == 0, result.stderr
        assert "hf_model_config" in result.stdout
