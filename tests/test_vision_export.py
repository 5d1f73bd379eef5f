"""Every image fixture (architecture x head) exports with fixed and with dynamic shapes,
validates against PyTorch within 1e-4 on images of other sizes than the traced ones, tags every
node with its module (root fallback at most 1%), carries the image processor contract in
hf_processor_config, and loads in Optimum with outputs equal to ours within 1e-5 where Optimum
has a class for the task (one Optimum process for all of them)."""

from __future__ import annotations

import json

import onnx
import pytest

from fixture_catalog import VISION_FIXTURES, fixture_path
from modelexport import _native

MODES = ("fixed", "dynamic")
# Fixtures whose graph takes dynamic height/width in dynamic mode (convolutional backbones,
# windowed attention, models that interpolate their position embeddings); the others keep the
# processor's fixed height/width there, with a note: ViT-style patch embeddings check the image
# size, BEiT's relative position bias and MobileViT's patch unfolding fix it.
DYNAMIC_HW = {
    "convnext-image-classification",
    "resnet-image-classification",
    "regnet-image-classification",
    "segformer-image-segmentation",
    "swin-image-classification",
    "dinov2-image-feature-extraction",
    "detr-object-detection",
    "yolos-object-detection",
}
# UperNet's dynamic graph differs from PyTorch by about 1.5e-4 at other sizes (random weights,
# resized feature maps): whether it passes --atol 1e-4 is not a property of the exporter.
EITHER_HW = {"upernet-image-segmentation"}
# The fixed canvas of the padding processors (shortest_edge 64, longest_edge 96); 32x32 others.
CANVAS = {"detr-object-detection": 96, "yolos-object-detection": 96}
PROCESSOR_CONTRACT = {
    "processor_type",
    "image_processor_type",
    "image_processor",
    "model_input_names",
    "shapes",
}
PACKAGE_FILES = (
    "model.onnx",
    "config.json",
    "preprocessor_config.json",
    "export_metadata.json",
    "model_hierarchy.json",
)
TASK_OUTPUTS = {
    "image-classification": ["logits"],
    "image-segmentation": ["logits"],
    "object-detection": ["logits", "pred_boxes"],
    "image-feature-extraction": ["last_hidden_state", "pooler_output"],
}


def dims(value_info: onnx.ValueInfoProto) -> list:
    return [d.dim_param or d.dim_value for d in value_info.type.tensor_type.shape.dim]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("name", "arch", "head"), VISION_FIXTURES, ids=[f[0] for f in VISION_FIXTURES]
)
def test_image_export_validates_against_pytorch(export_cache, report_rows, name, arch, head, mode):
    report = export_cache.get(name, mode)
    package = report.output_dir

    assert report.task == head
    assert report.validation["passed"]
    assert report.validation["max_abs_diff"] <= 1e-4
    stats = report.hierarchy
    assert stats["root_fallback"] <= 0.01 * stats["total_nodes"], stats
    for file_name in PACKAGE_FILES:
        assert (package / file_name).is_file(), file_name

    metadata = dict(_native.read_metadata(str(package)))
    assert metadata["hf_pipeline_task"] == head
    assert json.loads(metadata["hf_model_config"])["model_type"] == arch
    export_config = json.loads(metadata["hf_export_config"])
    processor = json.loads(metadata["hf_processor_config"])
    assert set(processor) == PROCESSOR_CONTRACT
    assert processor["processor_type"] == "image"
    saved = json.loads((package / "preprocessor_config.json").read_text())
    assert processor["image_processor"] == saved
    assert processor["image_processor_type"] == saved["image_processor_type"]
    source = json.loads((fixture_path(name) / "preprocessor_config.json").read_text())
    assert saved == source  # no --image-size: the source's settings, unchanged
    inputs = ["pixel_values", "pixel_mask"] if arch == "detr" else ["pixel_values"]
    assert processor["model_input_names"] == export_config["input_names"] == inputs

    side = CANVAS.get(name, 32)
    if name in EITHER_HW:
        dynamic_hw = mode == "dynamic" and not export_config.get("notes")
    else:
        dynamic_hw = mode == "dynamic" and name in DYNAMIC_HW
    expected_shapes = {
        "dynamic": mode == "dynamic",
        "batch_size": None if mode == "dynamic" else 1,
        "height": None if dynamic_hw else side,
        "width": None if dynamic_hw else side,
    }
    assert processor["shapes"] == expected_shapes
    assert {k: export_config[k] for k in expected_shapes} == expected_shapes
    assert bool(export_config.get("notes")) == (mode == "dynamic" and not dynamic_hw)

    cases = report.validation["cases"]
    if dynamic_hw:  # validated on another batch and image size than the traced one
        assert cases[0]["input_shape"][0] != cases[1]["input_shape"][0]
        assert cases[0]["input_shape"][2:] != cases[1]["input_shape"][2:]

    model = onnx.load(str(package / "model.onnx"))
    onnx.checker.check_model(model)
    graph_inputs = {i.name: i for i in model.graph.input}
    assert list(graph_inputs) == inputs
    batch = "batch_size" if mode == "dynamic" else 1
    height, width = ("height", "width") if dynamic_hw else (side, side)
    assert dims(graph_inputs["pixel_values"]) == [batch, 3, height, width]
    float32, int64 = onnx.TensorProto.FLOAT, onnx.TensorProto.INT64
    assert graph_inputs["pixel_values"].type.tensor_type.elem_type == float32
    if "pixel_mask" in graph_inputs:
        assert dims(graph_inputs["pixel_mask"]) == [batch, height, width]
        assert graph_inputs["pixel_mask"].type.tensor_type.elem_type == int64
    outputs = [o.name for o in model.graph.output]
    assert outputs == export_config["output_names"]
    assert set(outputs) <= set(TASK_OUTPUTS[head]) and outputs[0] == TASK_OUTPUTS[head][0]

    report_rows[f"{name}/{mode}"] = {
        "architecture": arch,
        "head": head,
        "mode": mode,
        "exporter": report.exporter,
        "opset": report.opset,
        "max_abs_diff": report.validation["max_abs_diff"],
        "export_seconds": report.export_seconds,
        "root_fallback": stats["root_fallback"],
        "total_nodes": stats["total_nodes"],
        "dynamic_height_width": dynamic_hw,
    }


def test_image_packages_load_in_optimum_with_equal_outputs(export_cache, report_rows):
    from modelexport.export.tasks import task_spec
    from modelexport.optimum_compat import validate_optimum_compatibility_many

    keys = [
        (name, mode)
        for name, _, head in VISION_FIXTURES
        if task_spec(head).ort_model_class
        for mode in MODES
    ]
    packages = [export_cache.get(name, mode).output_dir for name, mode in keys]
    reports = validate_optimum_compatibility_many(packages, atol=1e-5)
    failures = [r for r in reports if not r.passed or r.processor_problem]
    assert not failures, [(str(r.package), r.max_abs_diff, r.processor_problem) for r in failures]
    # Pillow may be missing from the Optimum environment: transformers 4.57's image processors
    # are then not compared (recorded in the report rows).
    for (name, mode), optimum_report in zip(keys, reports, strict=True):
        assert optimum_report.model_class.startswith("ORTModelFor")
        assert "logits" in optimum_report.max_abs_diff or (
            "last_hidden_state" in optimum_report.max_abs_diff
        )
        row = report_rows.setdefault(f"{name}/{mode}", {})
        row["optimum_class"] = optimum_report.model_class
        row["optimum_max_abs_diff"] = max(optimum_report.max_abs_diff.values())
        row["optimum_processor_unchecked"] = optimum_report.processor_unchecked


def test_optimum_check_refuses_a_task_without_an_optimum_class(export_cache):
    from modelexport.errors import ModelExportError
    from modelexport.optimum_compat import validate_optimum_compatibility

    package = export_cache.get("detr-object-detection", "fixed").output_dir
    with pytest.raises(ModelExportError, match="no ORTModel class for task 'object-detection'"):
        validate_optimum_compatibility(package)


def test_validate_reruns_against_the_source_model(export_cache):
    from modelexport.export.exporter import validate_package_against_source

    for name, mode in (
        ("detr-object-detection", "dynamic"),
        ("vit-image-feature-extraction", "fixed"),
    ):
        result = validate_package_against_source(export_cache.get(name, mode).output_dir)
        assert result.passed, (name, mode, result.to_json())


def test_image_size_option_resizes_and_records_it(tmp_path):
    """--image-size HxW rewrites the processor's sizes (saved so) and fixes the graph to them."""
    from modelexport.export.exporter import export_with_config

    report = export_with_config(
        fixture_path("segformer-image-segmentation"), tmp_path / "out", image_size=(48, 40)
    )
    assert report.validation["passed"]
    saved = json.loads((report.output_dir / "preprocessor_config.json").read_text())
    assert saved["size"] == {"height": 48, "width": 40}
    metadata = dict(_native.read_metadata(str(report.output_dir)))
    processor = json.loads(metadata["hf_processor_config"])
    assert processor["image_processor"] == saved
    assert processor["shapes"] == {"dynamic": False, "batch_size": 1, "height": 48, "width": 40}
    model = onnx.load(str(report.output_dir / "model.onnx"), load_external_data=False)
    assert dims(model.graph.input[0]) == [1, 3, 48, 40]


def test_image_size_option_follows_a_center_crop(tmp_path):
    """A cropping processor (DINOv2's BitImageProcessor) crops to --image-size, resizing its
    shortest edge in the same proportion as before."""
    from modelexport.export.image_inputs import processed_image_size, size_overrides

    config = json.loads(
        (fixture_path("dinov2-image-feature-extraction") / "preprocessor_config.json").read_text()
    )
    assert processed_image_size(config) == (32, 32)
    overrides = size_overrides(config, 64, 48)
    assert overrides == {
        "size": {"shortest_edge": 72},
        "crop_size": {"height": 64, "width": 48},
    }
    detr = json.loads(
        (fixture_path("detr-object-detection") / "preprocessor_config.json").read_text()
    )
    assert processed_image_size(detr) == (96, 96)


def test_image_size_of_a_text_model_is_bad_usage(tmp_path):
    from modelexport.errors import ModelExportError
    from modelexport.export.exporter import export_with_config

    with pytest.raises(ModelExportError, match="--image-size applies to image models only"):
        export_with_config(
            fixture_path("bert-text-classification"), tmp_path / "out", image_size=(32, 32)
        )
    assert not (tmp_path / "out").exists()


def test_rebuilding_an_image_fixture_gives_the_same_hash(tmp_path):
    import subprocess
    import sys

    import fixture_hashes
    from fixture_catalog import REPO_ROOT

    name = "detr-object-detection"
    script = REPO_ROOT / "scripts" / "make_fixtures.py"
    subprocess.run(
        [sys.executable, str(script), "--out", str(tmp_path), "--only", name],
        check=True,
        capture_output=True,
    )
    rebuilt = json.loads((tmp_path / fixture_hashes.REPORT_FILE).read_text())
    assert rebuilt[f"model:{name}"] == fixture_hashes.committed("models")[f"model:{name}"]
