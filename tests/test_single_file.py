"""Single-file packages end to end: `modelexport pack` / `unpack` / `export --single-file` on a
text (MiniLM, with its sentence-transformers module folder), an image and an audio package. The
single .onnx, moved alone into an empty folder, must give exactly the folder package's output
through the native CLI and modelexport.pipeline (tolerance: none, byte-identical JSON / equal
arrays); unpack must restore every file byte for byte and Optimum must load the result; a
corrupt embedded file is one line naming the file and the problem."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest

import modelexport
from audio_clips import SPEECH_FILES
from conftest import REPO_ROOT, run_cli
from fixture_catalog import fixture_path
from modelexport import _native, package_files
from vision_images import write_images

RUN_BINARY = REPO_ROOT / "build" / "modelexport-run"
INSPECT_BINARY = REPO_ROOT / "build" / "modelexport-inspect"

# (fixture, export mode) per modality; modes other test files export too (one shared export).
CASES = {
    "text": ("minilm", "dynamic"),
    "image": ("vit-image-classification", "fixed"),
    "audio": ("wav2vec2-automatic-speech-recognition", "dynamic"),
}


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def packed(export_cache, tmp_path_factory):
    """modality -> (package folder, single file alone in an empty folder)."""
    root = tmp_path_factory.mktemp("single")
    out = {}
    for modality, (name, mode) in CASES.items():
        folder = Path(export_cache.get(name, mode).output_dir)
        staged = root / f"{name}.onnx"
        result = run_cli("pack", str(folder), str(staged))
        assert result.returncode == 0, result.stderr
        alone = root / f"{modality}-alone"
        alone.mkdir()
        shutil.move(staged, alone / "model.onnx")
        out[modality] = (folder, alone / "model.onnx")
    return out


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> dict[str, list[str]]:
    images = write_images(tmp_path_factory.mktemp("images"))
    return {
        "text": ["A man is eating food.", "Zürich liegt am Zürichsee; naïve café résumé."],
        "image": [str(p) for p in images[:3]],
        "audio": [str(p) for p in SPEECH_FILES[:2]],
    }


@pytest.mark.parametrize("modality", CASES)
def test_unpack_restores_every_file_byte_for_byte(packed, modality, tmp_path, cli):
    folder, single = packed[modality]
    assert [p.name for p in single.parent.iterdir()] == ["model.onnx"]
    restored = tmp_path / "restored"
    result = cli("unpack", str(single), str(restored))
    assert result.returncode == 0, result.stderr
    # model.onnx too: the package had no external data, so unpack gives the original file.
    assert files_of(restored) == files_of(folder)
    if modality == "text":
        assert (restored / "1_Pooling" / "config.json").is_file()
    # Everything but the model's graph is embedded; the single file is smaller than the folder.
    assert single.stat().st_size < sum(len(b) for b in files_of(folder).values())


@pytest.mark.parametrize("modality", CASES)
def test_native_cli_and_pipeline_give_the_folder_packages_output(packed, inputs, modality):
    folder, single = packed[modality]
    runs = [
        subprocess.run(
            [str(RUN_BINARY), str(package), *inputs[modality]],
            capture_output=True,
            text=True,
            check=False,
        )
        for package in (folder, single)
    ]
    assert runs[0].returncode == 0, runs[0].stderr
    assert runs[1].returncode == 0, runs[1].stderr
    assert runs[1].stdout == runs[0].stdout

    ours, reference = (modelexport.pipeline(model=str(p)) for p in (single, folder))
    expected, got = reference(inputs[modality]), ours(inputs[modality])
    assert json.dumps(got, default=np.ndarray.tolist) == json.dumps(
        expected, default=np.ndarray.tolist
    )
    if modality == "text":
        np.testing.assert_array_equal(
            ours.sentence_embeddings(inputs["text"]), reference.sentence_embeddings(inputs["text"])
        )


def test_inspect_shows_embedded_files_sizes_and_provenance(packed, cli):
    folder, single = packed["text"]
    description = json.loads(_native.describe_package_json(str(single)))
    assert description["self_contained"] is True
    embedded = {f["name"]: f for f in description["embedded_files"]}
    assert set(embedded) == set(files_of(folder)) - {"model.onnx"}
    for name, entry in embedded.items():
        assert entry["bytes"] == (folder / name).stat().st_size, name
        assert entry["stored_bytes"] > 0
    assert embedded["tokenizer.json"]["stored_bytes"] < embedded["tokenizer.json"]["bytes"]
    metadata = description["metadata"]
    assert metadata["hf_model_source"] == "local"
    assert metadata["hf_original_path"] == str(fixture_path("minilm"))
    assert keys_absent(metadata)
    native = subprocess.run(
        [str(INSPECT_BINARY), str(single), "--json"], capture_output=True, text=True, check=False
    )
    assert json.loads(native.stdout) == description
    text = cli("inspect", str(single))
    assert text.returncode == 0, text.stderr
    assert "embedded files (single file)" in text.stdout
    assert "1_Pooling/config.json" in text.stdout
    tree = cli("inspect", str(single), "--tree", "--depth", "1", "--json")
    assert tree.returncode == 0, tree.stderr
    assert json.loads(tree.stdout)["tree"]["class"] == "BertModel"


def keys_absent(metadata: dict) -> bool:
    return _native.metadata_keys.EMBEDDED_FILES not in metadata


def test_unpacked_folders_load_in_optimum(packed, tmp_path):
    from modelexport.optimum_compat import validate_optimum_compatibility_many

    folders = []
    for modality, (_, single) in packed.items():
        folders.append(tmp_path / modality)
        _native.unpack_package(str(single), str(folders[-1]))
    for report in validate_optimum_compatibility_many(folders):
        assert report.passed, (report.model_class, report.max_abs_diff)


def test_extracted_gives_the_processor_files(packed):
    folder, single = packed["audio"]
    with package_files.extracted(single) as files:
        assert files != single.parent
        assert files_of(files) == {k: v for k, v in files_of(folder).items() if k != "model.onnx"}
    assert not files.exists()
    with package_files.extracted(folder) as files:
        assert files == folder
    assert package_files.read_file(single, "vocab.json") == (folder / "vocab.json").read_bytes()
    assert modelexport.Tokenizer.from_pretrained(packed["text"][1]).encode("hello").ids == (
        modelexport.Tokenizer.from_pretrained(packed["text"][0]).encode("hello").ids
    )


def edited(single: Path, target: Path, edit) -> Path:
    """A copy of `single` whose hf_embedded_files document went through `edit`."""
    model = onnx.load(str(single))
    key = _native.metadata_keys.EMBEDDED_FILES
    entry = next(p for p in model.metadata_props if p.key == key)
    document = json.loads(entry.value)
    edit(document["files"])
    entry.value = json.dumps(document)
    onnx.save(model, str(target))
    return target


def _set(name: str, field: str, value):
    def edit(files):
        next(f for f in files if f["name"] == name)[field] = value

    return edit


def _duplicate(files):
    files.append(dict(files[0]))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_set("vocab.json", "data", "@@not base64@@"), "'vocab.json': bad base64"),
        (_set("vocab.json", "data", "bm90IGd6aXA="), "'vocab.json': bad gzip data"),
        (_set("vocab.json", "size", 3), "'vocab.json': size mismatch"),
        (_set("vocab.json", "crc32", "0badf00d"), "'vocab.json': checksum mismatch"),
        (_set("vocab.json", "name", "../vocab.json"), "'../vocab.json': path escapes"),
        (_set("vocab.json", "name", "/etc/vocab.json"), "'/etc/vocab.json': absolute path"),
        (_duplicate, "duplicate name"),
    ],
)
def test_a_corrupt_embedded_file_is_one_line_naming_it(packed, tmp_path, cli, edit, message):
    _, single = packed["audio"]
    bad = edited(single, tmp_path / "bad.onnx", edit)
    run = subprocess.run(
        [str(RUN_BINARY), str(bad), str(SPEECH_FILES[0])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert len(run.stderr.strip().splitlines()) == 1, run.stderr
    assert str(bad) in run.stderr and message in run.stderr, run.stderr
    with pytest.raises(ValueError, match=re.escape(message)) as error:
        modelexport.pipeline(model=str(bad))
    assert "\n" not in str(error.value)
    unpacked = cli("unpack", str(bad), str(tmp_path / "out"))
    assert unpacked.returncode == 1 and message in unpacked.stderr
    assert not (tmp_path / "out").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.onnx"]


def test_export_single_file_and_pack_refusals(tmp_path, cli):
    single = tmp_path / "classifier.onnx"
    exported = cli(
        "export", str(fixture_path("bert-text-classification")), str(single), "--single-file"
    )
    assert exported.returncode == 0, exported.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["classifier.onnx"]
    assert "embedded files" in exported.stdout
    result = modelexport.pipeline(model=str(single))("I love this")
    assert result[0]["label"] in ("NEGATIVE", "NEUTRAL", "POSITIVE")
    names = {
        f["name"] for f in json.loads(_native.describe_package_json(str(single)))["embedded_files"]
    }
    assert {
        "config.json",
        "tokenizer.json",
        "export_metadata.json",
        "model_hierarchy.json",
    } <= names

    again = cli(
        "export", str(fixture_path("bert-text-classification")), str(single), "--single-file"
    )
    assert again.returncode == 1 and "exists (use --force" in again.stderr
    repack = cli("pack", str(single), str(tmp_path / "twice.onnx"))
    assert repack.returncode == 1 and "already a single-file package" in repack.stderr
    not_onnx = cli("pack", str(tmp_path), str(tmp_path / "x.bin"))
    assert not_onnx.returncode == 1 and "NAME.onnx" in not_onnx.stderr
    not_single = cli("unpack", str(fixture_path("bert-text-classification") / "config.json"), "o")
    assert not_single.returncode == 1
