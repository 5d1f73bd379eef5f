"""Hierarchy-preserving export: every node of every fixture (and the real MiniLM) tagged with
its module, standard ONNX, outputs bit-identical to --clean-onnx, Model Explorer layers,
module extraction against the full model's intermediate values, tree and GraphML tools."""

from __future__ import annotations

import ast
import json
import re

import numpy as np
import onnx
import onnxruntime
import pytest

from fixture_catalog import FIXTURES
from modelexport.export.exporter import load_inputs_for_package

TAG_KEYS = ("namespace", "modelexport.module", "modelexport.tag")
HIERARCHY_FIXTURES = [name for name, _, _ in FIXTURES] + ["minilm"]


def all_nodes(graph: onnx.GraphProto):
    for node in graph.node:
        yield node
        for attribute in node.attribute:
            if attribute.type == onnx.AttributeProto.GRAPH:
                yield from all_nodes(attribute.g)
            for subgraph in attribute.graphs:
                yield from all_nodes(subgraph)


def module_paths(tree: dict) -> set[str]:
    return {tree["path"]} | {p for child in tree["children"] for p in module_paths(child)}


def expected_module(name_scopes: str, known: set[str]) -> str | None:
    """The module the dynamo exporter recorded, computed independently of the C++ core."""
    scopes = ast.literal_eval(name_scopes)
    if len(scopes) < 2:
        return None
    path = re.sub(r"@\d+$", "", scopes[-2])
    if path == "model":
        return ""
    if not path.startswith("model."):
        return None  # the export wrapper, or no module stack at all
    parts = path[len("model.") :].split(".")
    while parts and ".".join(parts) not in known:
        parts.pop()
    return ".".join(parts) if parts else None  # nothing below the root matched: not recorded


def expected_torchscript_module(node_name: str, known: set[str]) -> str | None:
    """The module a TorchScript scoped name records (/model/bert/encoder/layer.0/.../MatMul),
    including its repeated-container form (/layer/layer.0/), written independently of C++."""
    parts = node_name.split("/")[1:-1]
    if not parts or parts[0] != "model":
        return None
    path: list[str] = []
    for part in parts[1:]:
        pieces = part.split(".")
        if ".".join(path + pieces) in known:
            path += pieces
        elif path and ".".join(path[:-1] + pieces) in known:
            path = path[:-1] + pieces
        else:
            break
    return ".".join(path)


def session(model: onnx.ModelProto | str) -> onnxruntime.InferenceSession:
    options = onnxruntime.SessionOptions()
    # Exact comparisons: no fusions that could reorder floating-point work differently.
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    data = model if isinstance(model, str) else model.SerializeToString()
    return onnxruntime.InferenceSession(data, options, providers=["CPUExecutionProvider"])


@pytest.mark.parametrize("exporter", ["dynamo", "torchscript"])
@pytest.mark.parametrize("name", HIERARCHY_FIXTURES)
def test_every_node_tagged_standard_and_identical_to_clean(
    export_cache, report_rows, name, exporter
):
    if exporter == "torchscript" and name == "minilm":
        pytest.skip("the real MiniLM is covered with the dynamo exporter")
    report = export_cache.get(name, "fixed" if exporter == "dynamo" else "torchscript")
    assert report.exporter == exporter
    tagged = report.output_dir
    model = onnx.load(str(tagged / "model.onnx"))
    document = json.loads((tagged / "model_hierarchy.json").read_text())
    stats = document["statistics"]
    known = module_paths(document["tree"])

    nodes = list(all_nodes(model.graph))
    assert stats["total_nodes"] == len(nodes)
    assert stats["direct"] + stats["inherited"] + stats["root_fallback"] == len(nodes)
    assert stats["root_fallback"] <= 0.01 * len(nodes), stats
    recorded = 0
    for node in nodes:
        props = {p.key: p.value for p in node.metadata_props}
        assert all(key in props for key in TAG_KEYS), (node.name, props.keys())
        assert props["modelexport.module"] in known
        assert "pkg.torch.onnx.stack_trace" not in props
        if exporter == "torchscript":
            expected = expected_torchscript_module(node.name, known)
        elif "pkg.torch.onnx.name_scopes" in props:
            expected = expected_module(props["pkg.torch.onnx.name_scopes"], known)
        else:
            expected = None
        if expected is not None:
            recorded += 1
            assert props["modelexport.module"] == expected, node.name
    assert recorded == stats["direct"]
    assert document["tree"]["subtree_nodes"] == len(nodes)
    assert sum(1 for _ in module_paths(document["tree"])) == stats["modules"]

    onnx.checker.check_model(model, full_check=True)

    if exporter == "dynamo":  # the --clean-onnx export of the same graph
        assert_identical_to_clean(tagged, export_cache.get(name, "clean").output_dir, model)

    report_rows.setdefault(f"{name}/hierarchy-{exporter}", {}).update(
        nodes=len(nodes),
        direct=stats["direct"],
        inherited=stats["inherited"],
        root_fallback=stats["root_fallback"],
        modules=stats["modules"],
        modules_with_nodes=stats["modules_with_nodes"],
    )


def assert_identical_to_clean(tagged, clean, model: onnx.ModelProto) -> None:
    clean_model = onnx.load(str(clean / "model.onnx"))
    assert all(len(n.metadata_props) == 0 for n in all_nodes(clean_model.graph))
    assert json.loads((clean / "model_hierarchy.json").read_text())["tagged"] is False
    inputs = load_inputs_for_package(tagged)
    names = [o.name for o in model.graph.output]
    for ours, theirs in zip(
        session(str(tagged / "model.onnx")).run(names, inputs),
        session(str(clean / "model.onnx")).run(names, inputs),
        strict=True,
    ):
        assert np.array_equal(ours, theirs)  # bit-identical


def test_model_explorer_adapter_builds_module_layers(export_cache):
    from model_explorer_onnx.main import ONNXAdapter

    package = export_cache.get("minilm", "fixed").output_dir
    graphs = ONNXAdapter().convert(str(package / "model.onnx"), {})["graphs"]
    namespaces = {node.namespace for node in graphs[0].nodes}
    layers = {layer for ns in namespaces for layer in ns.split("/")}
    for expected in (
        "embeddings: BertEmbeddings",
        "encoder: BertEncoder",
        "layer.0: BertLayer",
        "layer.5: BertLayer",
        "attention: BertAttention",
        "self: BertSelfAttention",
        "query: Linear",
        "intermediate: BertIntermediate",
    ):
        assert expected in layers, sorted(layers)[:20]
    assert any(
        ns.endswith(
            "encoder: BertEncoder/layer.3: BertLayer/"
            "attention: BertAttention/output: BertSelfOutput"
        )
        for ns in namespaces
    )


@pytest.mark.parametrize(
    "module", ["embeddings", "encoder.layer.0.attention", "encoder.layer.0", "encoder.layer.5"]
)
def test_extracted_module_reproduces_full_model_intermediates(export_cache, cli, tmp_path, module):
    package = export_cache.get("minilm", "fixed").output_dir
    extracted_path = tmp_path / "module.onnx"
    result = cli("extract", str(package), "--module", module, "-o", str(extracted_path))
    assert result.returncode == 0, result.stderr
    extracted = onnx.load(str(extracted_path))
    onnx.checker.check_model(extracted, full_check=True)
    assert len(extracted.graph.node) < 0.5 * len(onnx.load(str(package / "model.onnx")).graph.node)
    for node in extracted.graph.node:
        path = next(p.value for p in node.metadata_props if p.key == "modelexport.module")
        assert path == module or path.startswith(module + ".")

    # Expose the module's boundary tensors as outputs of the full model.
    full = onnx.load(str(package / "model.onnx"))
    existing = {o.name for o in full.graph.output}
    types = {v.name: v for v in [*full.graph.value_info, *full.graph.input, *full.graph.output]}
    boundary = [v.name for v in [*extracted.graph.input, *extracted.graph.output]]
    full.graph.output.extend(types[n] for n in boundary if n not in existing and n in types)
    feeds = load_inputs_for_package(package)
    full_session = session(full)
    wanted = [o.name for o in full.graph.output]
    values = dict(zip(wanted, full_session.run(wanted, feeds), strict=True))
    values.update(feeds)

    sub_session = session(extracted)
    sub_inputs = {i.name: values[i.name] for i in extracted.graph.input}
    outputs = sub_session.run([o.name for o in extracted.graph.output], sub_inputs)
    for output, value in zip(extracted.graph.output, outputs, strict=True):
        assert np.array_equal(value, values[output.name]), output.name


def test_extract_errors(export_cache, cli, tmp_path):
    package = export_cache.get("bert-text-classification", "fixed").output_dir
    result = cli(
        "extract", str(package), "--module", "bert.nonexistent", "-o", str(tmp_path / "x.onnx")
    )
    assert result.returncode == 1
    assert "no node belongs to module 'bert.nonexistent'" in result.stderr
    clean = export_cache.get("bert-text-classification", "clean").output_dir
    result = cli("extract", str(clean), "--module", "bert", "-o", str(tmp_path / "x.onnx"))
    assert result.returncode == 1 and "--clean-onnx" in result.stderr
    assert not (tmp_path / "x.onnx").exists()


def test_inspect_tree_text_json_and_depth(export_cache, cli):
    package = export_cache.get("bert-token-classification", "fixed").output_dir
    text = cli("inspect", str(package), "--tree").stdout
    for fragment in (
        "BertForTokenClassification",
        "encoder",
        "BertEncoder",
        "layer.1",
        "nodes",
        "params",
    ):
        assert fragment in text, text
    full = json.loads(cli("inspect", str(package), "--tree", "--json").stdout)
    shallow = json.loads(cli("inspect", str(package), "--tree", "--json", "--depth", "1").stdout)
    assert {c["path"] for c in shallow["tree"]["children"]} == {"bert", "dropout", "classifier"}
    assert all(c["children"] == [] for c in shallow["tree"]["children"])
    bert = next(c for c in full["tree"]["children"] if c["path"] == "bert")
    assert bert["class"] == "BertModel" and bert["children"]
    assert (
        bert["parameters"]
        == sum(c["parameters"] for c in bert["children"]) + bert["own_parameters"]
    )
    dropout = next(c for c in full["tree"]["children"] if c["path"] == "dropout")
    assert dropout["path"] in full["statistics"]["unused_modules"]  # inactive in eval mode


def test_graphml_reads_in_networkx(export_cache, cli, tmp_path):
    import networkx

    package = export_cache.get("bert-fill-mask", "fixed").output_dir
    out = tmp_path / "model.graphml"
    result = cli("inspect", str(package), "--graphml", str(out))
    assert result.returncode == 0, result.stderr
    graph = networkx.read_graphml(out)
    model = onnx.load(str(package / "model.onnx"))
    kinds = networkx.get_node_attributes(graph, "kind")
    assert sum(1 for k in kinds.values() if k == "op") == len(model.graph.node)
    modules = {n for n, k in kinds.items() if k == "module"}
    assert {
        "module:bert",
        "module:bert.encoder",
        "module:bert.encoder.layer.0",
        "module:cls",
    } <= modules
    assert graph.number_of_edges() >= len(model.graph.node)
    op_modules = {d.get("module") for n, d in graph.nodes(data=True) if d.get("kind") == "op"}
    assert "bert.encoder.layer.1.attention.self.query" in op_modules


@pytest.mark.parametrize("name", ["bert-fill-mask", "albert-fill-mask", "gpt2-feature-extraction"])
def test_hierarchy_parameter_counts_match_pytorch(export_cache, name):
    """Tied weights (embeddings shared with the LM head) and shared layers count once."""
    import transformers

    from fixture_catalog import fixture_path

    package = export_cache.get(name, "fixed").output_dir
    tree = json.loads((package / "model_hierarchy.json").read_text())["tree"]
    auto = getattr(transformers, "AutoModelForMaskedLM" if "fill-mask" in name else "AutoModel")
    model = auto.from_pretrained(fixture_path(name))
    assert tree["parameters"] == model.num_parameters() > 0
