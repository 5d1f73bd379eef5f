"""zero-shot-image-classification (CLIP) against transformers' pipeline on the same PyTorch
model, the towers cut from model.onnx against the whole graph, and Optimum on the package.

Tolerances: scores within 1e-4 absolute, labels in the same order; the towers' embeddings equal
the whole graph's (they are the same nodes); Optimum within its check's 1e-5."""

from __future__ import annotations

import json
import subprocess

import numpy as np
import pytest

import modelexport
from conftest import REPO_ROOT
from fixture_catalog import PAIR_FIXTURES, fixture_path
from vision_images import skimage_images, write_images

NAMES = [name for name, _, _ in PAIR_FIXTURES]
LABELS = ["cat", "astronaut", "cup of coffee", "a rocket launch in the desert at dawn", "text"]
RUN_BINARY = REPO_ROOT / "build" / "modelexport-run"


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    odd = write_images(tmp_path_factory.mktemp("images"))
    return [str(p) for p in skimage_images()] + [str(p) for p in odd[:5]]


def reference(name: str):
    from transformers import pipeline

    return pipeline("zero-shot-image-classification", model=str(fixture_path(name)))


def assert_same(ours, theirs):
    assert [r["label"] for r in ours] == [r["label"] for r in theirs]
    assert all(list(r) == ["score", "label"] for r in ours)
    np.testing.assert_allclose([r["score"] for r in ours], [r["score"] for r in theirs], atol=1e-4)


@pytest.mark.parametrize("mode", ["fixed", "dynamic"])
@pytest.mark.parametrize("name", NAMES)
def test_matches_transformers(export_cache, images, name, mode):
    package = export_cache.get(name, mode).output_dir
    ours = modelexport.pipeline(model=str(package))
    assert ours.task == "zero-shot-image-classification"
    theirs = reference(name)
    for image in images:
        assert_same(ours(image, candidate_labels=LABELS), theirs(image, candidate_labels=LABELS))
    # A list of images; a template of our own; one label; labels that share cached hypotheses.
    for mine, ref in zip(
        ours(images[:3], candidate_labels=LABELS[:2], hypothesis_template="{} in a picture"),
        theirs(images[:3], candidate_labels=LABELS[:2], hypothesis_template="{} in a picture"),
        strict=True,
    ):
        assert_same(mine, ref)
    assert_same(
        ours(images[0], candidate_labels=["dog"]), theirs(images[0], candidate_labels=["dog"])
    )
    labels = ["dog", *LABELS[2:], "cat"]
    assert_same(
        ours(images[1], candidate_labels=labels), theirs(images[1], candidate_labels=labels)
    )
    # Equal labels tie: Python's sorted keeps their order.
    tied = ours(images[2], candidate_labels=["same", "other", "same"])
    assert_same(tied, theirs(images[2], candidate_labels=["same", "other", "same"]))


@pytest.mark.parametrize("name", NAMES)
def test_towers_share_the_weights_and_compute_what_the_model_does(export_cache, name):
    import onnx
    import onnxruntime

    package = export_cache.get(name, "fixed").output_dir
    from modelexport.export.exporter import load_inputs_for_package

    inputs = load_inputs_for_package(package)
    whole = onnxruntime.InferenceSession(str(package / "model.onnx"))
    expected = dict(
        zip([o.name for o in whole.get_outputs()], whole.run(None, inputs), strict=True)
    )
    for graph, output in (
        ("text_model.onnx", "text_embeds"),
        ("vision_model.onnx", "image_embeds"),
    ):
        session = onnxruntime.InferenceSession(str(package / graph))
        feeds = {i.name: inputs[i.name] for i in session.get_inputs()}
        assert [o.name for o in session.get_outputs()] == [output]
        np.testing.assert_array_equal(session.run(None, feeds)[0], expected[output])
        model = onnx.load(str(package / graph), load_external_data=False)
        big = [t for t in model.graph.initializer if np.prod(t.dims) * 4 >= 1024]
        assert big and all(
            t.data_location == onnx.TensorProto.EXTERNAL
            and {e.key: e.value for e in t.external_data}["location"] == "model.onnx_data"
            for t in big
        )
        assert all(
            any(p.key == "modelexport.module" for p in node.metadata_props)
            for node in model.graph.node
        )
    assert not (package / "model.onnx.data").exists()
    metadata = dict(modelexport._native.read_metadata(str(package)))
    processor = json.loads(metadata["hf_processor_config"])
    assert processor["processor_type"] == "image-text" and "logit_scale" in processor


@pytest.mark.parametrize("name", NAMES)
def test_optimum_loads_the_package(export_cache, name):
    from modelexport.optimum_compat import validate_optimum_compatibility_many

    packages = [export_cache.get(name, mode).output_dir for mode in ("fixed", "dynamic")]
    for report in validate_optimum_compatibility_many(packages):
        assert report.model_class == "ORTModelForZeroShotImageClassification"
        assert report.passed, report


def test_run_commands_agree_and_bad_options_are_one_line(export_cache, images):
    package = export_cache.get(NAMES[0], "fixed").output_dir
    args = [str(package), images[0], images[1], "--candidate-labels", "cat, dog,,car"]
    native = subprocess.run([str(RUN_BINARY), *args], capture_output=True, text=True)
    python = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "modelexport"), "run", *args],
        capture_output=True,
        text=True,
    )
    assert native.returncode == 0, native.stderr
    assert native.stdout == python.stdout
    lines = [json.loads(line) for line in native.stdout.splitlines()]
    assert [sorted(r["label"] for r in line) for line in lines] == [["car", "cat", "dog"]] * 2

    ours = modelexport.pipeline(model=str(package))
    for kwargs, message in (
        ({}, "needs candidate_labels"),
        ({"candidate_labels": []}, "candidate_labels is empty"),
        ({"candidate_labels": ["a"], "hypothesis_template": "no field"}, "has no {}"),
    ):
        with pytest.raises(modelexport.PipelineError) as error:
            ours(images[0], **kwargs)
        assert message in str(error.value) and "\n" not in str(error.value)
    result = subprocess.run(
        [str(RUN_BINARY), str(package), images[0], "--candidate-labels", " , "],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1 and result.stderr.count("\n") == 1


def test_a_package_with_tower_graphs_is_not_packed_into_one_file(export_cache, tmp_path):
    """The towers read model.onnx_data, which a single file inlines into the model alone: pack
    refuses them in one line and writes nothing."""
    package = export_cache.get(NAMES[0], "fixed").output_dir
    result = subprocess.run(
        [str(REPO_ROOT / ".venv" / "bin" / "modelexport"), "pack", str(package),
         str(tmp_path / "one.onnx")],
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert result.returncode == 1
    assert "graphs beside the model cannot be a single file" in result.stderr
    assert not (tmp_path / "one.onnx").exists()
