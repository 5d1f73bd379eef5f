"""`modelexport profile` (cpp/src/profile/): node kernel times from ONNX Runtime's profiler,
attributed to modules through the hierarchy tags, with the graph optimizations the pipelines
run with. The accounting is exact (the tree's self times add up to the node times, totals to
self plus children, the trace's events to the same sum); how much of the measured Run wall time
the nodes cover is reported, not asserted against a clock."""

from __future__ import annotations

import json
from typing import Any

import pytest

PACKAGE = "bert-text-classification"
LINEARS = {"query", "key", "value", "dense", "classifier"}


def walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for child in node["children"] for n in walk(child))]


@pytest.fixture(scope="module")
def profiled(export_cache, tmp_path_factory) -> tuple[dict[str, Any], dict[str, Any], str]:
    from modelexport import _native

    package = str(export_cache.get(PACKAGE, "fixed").output_dir)
    trace = tmp_path_factory.mktemp("profile") / "trace.json"
    report = json.loads(
        _native.profile_package(
            package, ["A short sentence.", "Another one."], runs=3, trace_path=str(trace)
        )
    )
    return report, json.loads(trace.read_text()), package


def test_self_times_add_up_to_node_times(profiled):
    report, _, _ = profiled
    nodes = walk(report["tree"])
    assert sum(n["self_us"] for n in nodes) == pytest.approx(report["node_us"], rel=1e-9)
    assert report["tree"]["total_us"] == pytest.approx(report["node_us"], rel=1e-9)
    for node in nodes:
        children = sum(child["total_us"] for child in node["children"])
        assert node["total_us"] == pytest.approx(node["self_us"] + children, rel=1e-9)
        assert node["share"] == pytest.approx(node["total_us"] / report["run_wall_us"], rel=1e-9)
    # Outside the nodes: the executor, input and output copies; together the measured wall time.
    assert report["node_us"] + report["outside_nodes_us"] == pytest.approx(report["run_wall_us"])
    assert 0 < report["coverage"] <= 1.0
    # Two inputs through a batch-1 graph: two Runs per call, three calls after the warm-up.
    assert report["calls"] == 3 and report["session_runs"] == 6
    print(f"coverage {report['coverage']:.3f} of {report['run_wall_us']:.1f} us per call")


def test_fused_nodes_keep_their_modules(profiled):
    report, trace, _ = profiled
    rules = report["attribution"]
    assert report["optimization"] == "all"
    assert sum(rules.values()) == report["executed_nodes"]
    # ORT_ENABLE_ALL fuses BERT's layer norms, GELU and attention: the nodes it made still land
    # in the modules of the nodes they replaced, none at the root.
    assert rules["fused"] > 0, rules
    assert rules["root"] == 0, rules
    paths = {n["path"] for n in walk(report["tree"])}
    for node in report["slowest_nodes"]:
        assert node["module"] in paths
    # ORT's MatMulAddFusion writes Reshape -> Gemm -> Reshape for each Linear: the inserted
    # input reshape belongs to the Linear it feeds (its consumer), not to what produced its input.
    reshapes = [
        e for e in trace["traceEvents"] if e.get("name", "").startswith("gemm_input_reshape")
    ]
    assert reshapes
    for event in reshapes:
        assert event["args"]["module"].rsplit(".", 1)[-1] in LINEARS, event
    layer_norms = [
        n
        for n in report["slowest_nodes"]
        if n["op"] in ("LayerNormalization", "SkipLayerNormalization")
    ]
    for node in layer_norms:
        assert node["module"].startswith("bert."), node


def test_trace_groups_node_events_by_module(profiled):
    report, trace, _ = profiled
    events = trace["traceEvents"]
    tracks = {
        (e["pid"], e["tid"]): e["args"]["name"] for e in events if e.get("name") == "thread_name"
    }
    kernels = [e for e in events if e["ph"] == "X" and e["cat"] != "run"]
    assert kernels
    paths = {n["path"] for n in walk(report["tree"])}
    for event in kernels:
        track = tracks[(event["pid"], event["tid"])]
        module = event["args"]["module"]
        assert track == "(root)" or module == track or module.startswith(track + ".")
        assert module in paths
    # The trace's node time is the profile's (integer microseconds, exactly).
    assert sum(e["dur"] for e in kernels) / report["calls"] == pytest.approx(report["node_us"])
    runs = [e for e in events if e.get("cat") == "run"]
    assert len(runs) == report["session_runs"]


def test_cli_tree_and_json(export_cache, cli):
    package = str(export_cache.get(PACKAGE, "fixed").output_dir)
    result = cli("profile", package, "--runs", "2")
    assert result.returncode == 0, result.stderr
    assert "BertForSequenceClassification" in result.stdout
    assert "coverage" in result.stdout
    as_json = cli("profile", package, "Hello there.", "--runs", "1", "--json")
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["inputs"] == 1 and report["tree"]["class"] == "BertForSequenceClassification"


def test_untagged_package_is_a_one_line_error(export_cache, cli):
    package = str(export_cache.get(PACKAGE, "clean").output_dir)
    result = cli("profile", package, "--runs", "1")
    assert result.returncode == 1
    assert "no hierarchy tags" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
