"""Graph passes over the validated fp32 export: ONNX Runtime's transformer fusions (--optimize)
and int8 quantization (--quantize int8: dynamic, or static with --calibration FILE), with ONNX
Runtime's own tools. After each pass the C++ core re-tags the graph (the hierarchy survives:
kept nodes keep their module, fused and new nodes get theirs by the projection rules) and
rewrites model_hierarchy.json. Then an accuracy report compares the transformed graph with the
fp32 export and with PyTorch on the validation inputs and, for text models, 200 held-in
sentences; it goes into export_metadata.json ("graph_passes") and replaces validation for the
transformed graph (int8 cannot meet --atol)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from modelexport import _native
from modelexport.errors import ModelExportError
from modelexport.export.inputs import first_line
from modelexport.export.progress import TimingReporter
from modelexport.export.tasks import TaskSpec

QUANTIZE_MODES = ("int8",)

# config.json model types ONNX Runtime's BERT fusions apply to (same encoder block); other
# model types are used as they are when the optimizer knows them (vit, swin, gpt2, ...).
_BERT_LIKE = frozenset(
    {"bert", "roberta", "xlm-roberta", "camembert", "distilbert", "electra", "albert", "mpnet"}
)
# Tasks whose outputs are embeddings (cosine similarity) rather than logits.
_EMBEDDING_TASKS = frozenset({"feature-extraction", "image-feature-extraction"})
# Batches of held-in sentences for dynamic-shape graphs.
_DYNAMIC_BATCH = 8
# Rows per PyTorch call when the report runs the held-in sentences through the reference.
_TORCH_ROWS = 64

Inputs = dict[str, np.ndarray]


@dataclass
class GraphPassRequest:
    optimize: bool = False
    quantize: str | None = None
    calibration: Path | None = None

    @property
    def any(self) -> bool:
        return self.optimize or self.quantize is not None

    def to_json(self) -> dict[str, Any]:
        """What hf_export_config records: the passes asked for."""
        out: dict[str, Any] = {"optimize": self.optimize, "quantize": self.quantize}
        if self.quantize is not None:
            out["quantize_mode"] = "static" if self.calibration is not None else "dynamic"
        return out

    def check(self) -> None:
        if self.quantize is not None and self.quantize not in QUANTIZE_MODES:
            raise ModelExportError(
                f"--quantize: unknown mode '{self.quantize}' "
                f"(choose from {', '.join(QUANTIZE_MODES)})"
            )
        if self.calibration is not None:
            if self.quantize is None:
                raise ModelExportError("--calibration needs --quantize int8")
            if not self.calibration.is_file():
                raise ModelExportError(f"--calibration: {self.calibration}: no such file")


@dataclass
class GraphPassContext:
    """What the passes need from the exporter."""

    spec: TaskSpec
    config: Any  # the model's PretrainedConfig
    module: Any  # the traced torch module (graph inputs in, task outputs out)
    output_names: tuple[str, ...]
    input_names: list[str]
    cases: list[tuple[str, Inputs]]  # validation inputs
    shapes: dict[str, Any]  # the plan's shapes (hf_export_config)
    tokenizer: Any | None  # text models only
    modules: list[tuple[str, str, int, bool]]  # the module tree, as write_package_model takes
    hierarchy: bool


@dataclass
class GraphPassResult:
    report: dict[str, Any]
    hierarchy: dict[str, Any] | None  # statistics of the final graph (None: unchanged)
    warnings: list[str] = field(default_factory=list)


def apply_graph_passes(
    staging: Path, request: GraphPassRequest, context: GraphPassContext, reporter: TimingReporter
) -> GraphPassResult:
    """Run the requested passes on staging/model.onnx (replaced by the result)."""
    model_path = staging / "model.onnx"
    fp32_path = staging / "model.fp32.onnx"
    hierarchy_path = staging / "model_hierarchy.json"
    model_path.rename(fp32_path)
    current = fp32_path
    passes: list[dict[str, Any]] = []
    warnings: list[str] = []
    hierarchy_json = ""
    try:
        if request.optimize:
            with reporter.step("Optimizing the graph (ONNX Runtime transformer fusions)"):
                optimized = staging / "model.optimized.onnx"
                entry, warning = _optimize(current, optimized, context.config)
                passes.append(entry)
                if warning:
                    warnings.append(warning)
                    reporter.warn(warning)
                else:
                    hierarchy_json = _retag(current, optimized, hierarchy_path, context)
                    current = optimized
        if request.quantize is not None:
            mode = "static" if request.calibration is not None else "dynamic"
            with reporter.step(f"Quantizing to {request.quantize} ({mode}, ONNX Runtime)"):
                quantized = staging / "model.int8.onnx"
                passes.append(_quantize(current, quantized, request, context, staging))
                hierarchy_json = _retag(current, quantized, hierarchy_path, context)
                current = quantized
        with reporter.step("Measuring the accuracy of the transformed graph"):
            report = {
                "passes": passes,
                "model_bytes": {"fp32": fp32_path.stat().st_size, "final": current.stat().st_size},
                **_accuracy(fp32_path, current, context),
            }
        current.replace(model_path)
    finally:
        if not model_path.exists():
            fp32_path.replace(model_path)
        for leftover in staging.glob("model.*.onnx"):
            leftover.unlink()
    hierarchy = None
    if hierarchy_json:
        import json

        hierarchy = json.loads(hierarchy_json)["statistics"]
    return GraphPassResult(report, hierarchy, warnings)


def _retag(
    original: Path, transformed: Path, hierarchy_path: Path, context: GraphPassContext
) -> str:
    return _native.write_transformed_package_model(
        str(original),
        str(transformed),
        str(transformed),
        str(hierarchy_path),
        context.modules,
        context.hierarchy,
    )


def _optimizer_model_type(config: Any) -> str | None:
    from onnxruntime.transformers.optimizer import MODEL_TYPES

    model_type = str(getattr(config, "model_type", "") or "")
    if model_type in _BERT_LIKE:
        return "bert"
    normalized = model_type.replace("-", "_")
    return normalized if normalized in MODEL_TYPES else None


def _config_int(config: Any, *names: str) -> int:
    for name in names:
        value = getattr(config, name, None)
        if isinstance(value, int):
            return value
    return 0  # the optimizer detects it from the graph


def _optimize(source: Path, output: Path, config: Any) -> tuple[dict[str, Any], str | None]:
    """ONNX Runtime's transformer optimizer (Python fusions only, opt_level 0: no
    machine-specific rewrites baked into the file; the session applies its own at load)."""
    model_type = _optimizer_model_type(config)
    entry: dict[str, Any] = {"name": "optimize", "applied": False, "model_type": model_type}
    config_type = getattr(config, "model_type", None)
    if model_type is None:
        return entry, (
            f"--optimize: ONNX Runtime's transformer optimizer has no fusions for model type "
            f"'{config_type}'; the graph is left unchanged"
        )
    from onnxruntime.transformers.optimizer import optimize_model

    try:
        optimized = optimize_model(
            str(source),
            model_type=model_type,
            num_heads=_config_int(config, "num_attention_heads", "n_head", "n_heads"),
            hidden_size=_config_int(config, "hidden_size", "n_embd", "dim"),
            opt_level=0,
        )
    except Exception as error:  # the optimizer's own failure on a graph it does not expect
        return entry, (
            f"--optimize: ONNX Runtime's optimizer failed on this graph "
            f"({first_line(error)}); the graph is left unchanged"
        )
    fusions = {k: v for k, v in optimized.get_fused_operator_statistics().items() if v}
    entry["fusions"] = fusions
    if not fusions:
        return entry, (
            f"--optimize: ONNX Runtime's '{model_type}' fusions matched nothing in this graph; "
            "the graph is left unchanged"
        )
    optimized.save_model_to_file(str(output))
    entry["applied"] = True
    return entry, None


def _quantize(
    source: Path,
    output: Path,
    request: GraphPassRequest,
    context: GraphPassContext,
    staging: Path,
) -> dict[str, Any]:
    import onnx
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_dynamic, quantize_static

    prepared = staging / "model.prep.onnx"
    # Tensors behind contrib ops (after --optimize) have no inferred type: they are float.
    extra_options = {"DefaultTensorType": onnx.TensorProto.FLOAT}
    entry: dict[str, Any] = {"name": "quantize", "applied": True, "precision": request.quantize}
    try:
        prepare_for_quantization(source, prepared)
        if request.calibration is None:
            # Weights int8, activations uint8 by DynamicQuantizeLinear: U8S8 MatMulInteger,
            # ONNX Runtime's recommendation for x86-64 (no reduce_range needed with VNNI).
            # Weights per output channel: per tensor, all-MiniLM-L6-v2's sentence embeddings
            # fall to cosine 0.966 (mean) against fp32; per channel they keep 0.994.
            quantize_dynamic(
                str(prepared),
                str(output),
                weight_type=QuantType.QInt8,
                per_channel=True,
                extra_options=extra_options,
            )
            entry.update(
                mode="dynamic",
                format="QOperator (DynamicQuantizeLinear + MatMulInteger)",
                weights="QInt8 per channel",
                activations="QUInt8 (dynamic, per tensor)",
            )
        else:
            reader = _CalibrationReader(request.calibration, context)
            quantize_static(
                str(prepared),
                str(output),
                reader,
                quant_format=QuantFormat.QDQ,
                activation_type=QuantType.QUInt8,
                weight_type=QuantType.QInt8,
                per_channel=True,
                extra_options=extra_options,
            )
            entry.update(
                mode="static",
                format="QDQ",
                weights="QInt8 per channel",
                activations="QUInt8 (calibrated, MinMax)",
                calibration_samples=reader.count,
            )
    except ModelExportError:
        raise
    except Exception as error:
        raise ModelExportError(
            f"--quantize {request.quantize}: ONNX Runtime's quantizer failed ({first_line(error)})"
        ) from None
    finally:
        prepared.unlink(missing_ok=True)
    return entry


def prepare_for_quantization(source: Path, output: Path) -> None:
    """ORT's pre-processing (ONNX shape inference; its graph optimization is skipped, the
    fusions are --optimize's job, and so is symbolic shape inference, which cannot follow the
    dynamo exporter's dynamic graphs and then dumps a file into the working directory). The
    exporter's value_info is dropped first: ONNX shape inference recomputes it, and the
    quantizer's own inference refuses some of it; only outputs of contrib ops (com.microsoft,
    which ONNX shape inference cannot type) keep theirs."""
    import onnx
    from onnxruntime.quantization.shape_inference import quant_pre_process

    model = onnx.load(str(source))
    contrib = {
        name
        for node in model.graph.node
        if node.domain not in ("", "ai.onnx")
        for name in node.output
    }
    kept = [info for info in model.graph.value_info if info.name in contrib]
    del model.graph.value_info[:]
    model.graph.value_info.extend(kept)
    cleaned = output.with_suffix(".clean.onnx")
    onnx.save(model, str(cleaned))
    try:
        quant_pre_process(
            str(cleaned), str(output), skip_optimization=True, skip_symbolic_shape=True
        )
    finally:
        cleaned.unlink()


class _CalibrationReader:
    """onnxruntime.quantization.CalibrationDataReader over the lines of a text file,
    tokenized to the graph's shapes."""

    def __init__(self, path: Path, context: GraphPassContext) -> None:
        if context.tokenizer is None:
            raise ModelExportError("--calibration: a text file calibrates text models only")
        lines = [
            line.strip()
            for line in path.read_text(encoding="utf-8", errors="replace").split("\n")
            if line.strip()
        ]
        if not lines:
            raise ModelExportError(f"--calibration: {path}: no non-empty lines")
        self.batches = list(_text_batches(tuple(lines), context))
        self.count = len(lines)
        self._iterator = iter(self.batches)

    def get_next(self) -> Inputs | None:
        return next(self._iterator, None)

    def rewind(self) -> None:
        self._iterator = iter(self.batches)


def _text_batches(texts: tuple[str, ...], context: GraphPassContext) -> Iterator[Inputs]:
    from modelexport.export.text_inputs import Shapes, tokenize

    dynamic = bool(context.shapes.get("dynamic"))
    batch = _DYNAMIC_BATCH if dynamic else int(context.shapes["batch_size"])
    shapes = Shapes(batch, int(context.shapes.get("sequence_length") or 0), dynamic)
    for start in range(0, len(texts), batch):
        chunk = texts[start : start + batch]
        yield tokenize(
            context.tokenizer,
            chunk,
            context.input_names,
            shapes,
            pairs=context.spec.uses_text_pairs,
            batch_size=len(chunk) if dynamic else batch,
        )


def _accuracy(fp32_path: Path, final_path: Path, context: GraphPassContext) -> dict[str, Any]:
    import onnxruntime

    from modelexport.export.held_in_sentences import HELD_IN_SENTENCES

    def session(path: Path) -> Any:
        return onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])

    try:
        fp32, final = session(fp32_path), session(final_path)
    except Exception as error:
        raise ModelExportError(
            f"ONNX Runtime cannot load the transformed graph: {first_line(error)}"
        ) from None
    graph_inputs = [i.name for i in fp32.get_inputs()]
    batches: list[Inputs] = [case for _, case in context.cases]
    sentences = 0
    if context.tokenizer is not None and context.spec.modality == "text":
        held_in = list(_text_batches(HELD_IN_SENTENCES, context))
        batches += held_in
        sentences = len(HELD_IN_SENTENCES)
    outputs = list(context.output_names)
    stats = {name: _OutputStats(name.endswith("logits")) for name in outputs}
    feeds = [{n: inputs[n] for n in graph_inputs} for inputs in batches]
    for inputs, feed, torch_outputs in zip(
        batches, feeds, _torch_outputs(context.module, feeds, len(context.cases)), strict=True
    ):
        reference = fp32.run(outputs, feed)
        transformed = final.run(outputs, feed)
        mask = inputs.get("attention_mask")
        for name, ref, value, pt in zip(
            outputs, reference, transformed, torch_outputs, strict=True
        ):
            stats[name].add(value, ref, pt, mask, context.spec.name)
    return {
        "evaluated_on": {"validation_inputs": len(context.cases), "held_in_sentences": sentences},
        "outputs": {name: stats[name].to_json() for name in outputs},
    }


def _torch_outputs(module: Any, feeds: list[Inputs], separate: int) -> Iterator[list[np.ndarray]]:
    """PyTorch's outputs for each feed. The first `separate` feeds (validation inputs) run one
    by one; the rest (held-in sentences, all of one shape) run stacked, _TORCH_ROWS rows at a
    time, and are split back: rows do not interact, and batching keeps PyTorch's share of the
    report's time small."""
    import torch

    def run(feed: Inputs) -> list[np.ndarray]:
        with torch.no_grad():
            values = module(**{k: torch.from_numpy(v) for k, v in feed.items()})
        return [value.numpy() for value in values]

    for feed in feeds[:separate]:
        yield run(feed)
    rest = feeds[separate:]
    rows_per_feed = len(next(iter(rest[0].values()))) if rest else 1
    per_group = max(1, _TORCH_ROWS // rows_per_feed)
    for start in range(0, len(rest), per_group):
        group = rest[start : start + per_group]
        if len({tuple(v.shape for v in feed.values()) for feed in group}) != 1:
            yield from (run(feed) for feed in group)  # dynamic shapes: lengths differ
            continue
        stacked = run({k: np.concatenate([feed[k] for feed in group]) for k in group[0]})
        offset = 0
        for feed in group:
            rows = len(next(iter(feed.values())))
            yield [value[offset : offset + rows] for value in stacked]
            offset += rows


class _OutputStats:
    """Per output: max abs difference to fp32 and PyTorch; cosine similarity of embeddings
    (mean-pooled over real tokens for token embeddings); label agreement of logits."""

    def __init__(self, logits: bool) -> None:
        self.logits = logits
        self.diff_fp32 = 0.0
        self.diff_torch = 0.0
        self.cosine_fp32: list[np.ndarray] = []
        self.cosine_torch: list[np.ndarray] = []
        self.agree_fp32 = 0
        self.agree_torch = 0
        self.labels = 0

    def add(
        self,
        value: np.ndarray,
        fp32: np.ndarray,
        torch_value: np.ndarray,
        mask: np.ndarray | None,
        task: str,
    ) -> None:
        from modelexport.export.validation import max_abs_difference

        self.diff_fp32 = _worse(self.diff_fp32, max_abs_difference(value, fp32))
        self.diff_torch = _worse(self.diff_torch, max_abs_difference(value, torch_value))
        if task in _EMBEDDING_TASKS and value.ndim >= 2:
            vectors = [_pooled(v, mask) for v in (value, fp32, torch_value)]
            self.cosine_fp32.append(_cosine(vectors[0], vectors[1]))
            self.cosine_torch.append(_cosine(vectors[0], vectors[2]))
        elif self.logits and value.ndim >= 2:
            labels = [np.argmax(v, axis=-1) for v in (value, fp32, torch_value)]
            keep = np.ones(labels[0].shape, dtype=bool)
            if mask is not None and mask.shape == keep.shape:
                keep = mask.astype(bool)  # token classification: real tokens only
            self.agree_fp32 += int(np.sum((labels[0] == labels[1]) & keep))
            self.agree_torch += int(np.sum((labels[0] == labels[2]) & keep))
            self.labels += int(np.sum(keep))

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "max_abs_diff_vs_fp32": self.diff_fp32,
            "max_abs_diff_vs_pytorch": self.diff_torch,
        }
        if self.cosine_fp32:
            for key, values in (("fp32", self.cosine_fp32), ("pytorch", self.cosine_torch)):
                all_values = np.concatenate(values)
                out[f"cosine_vs_{key}"] = {
                    "mean": float(all_values.mean()),
                    "min": float(all_values.min()),
                }
        if self.labels:
            out["label_agreement_vs_fp32_percent"] = 100.0 * self.agree_fp32 / self.labels
            out["label_agreement_vs_pytorch_percent"] = 100.0 * self.agree_torch / self.labels
            out["labels_compared"] = self.labels
        return out


def _worse(current: float, new: float) -> float:
    return float("nan") if np.isnan(new) or np.isnan(current) else max(current, new)


def _pooled(value: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """One vector per batch row: token embeddings [batch, tokens, hidden] mean-pooled over the
    real tokens (as sentence-transformers pools), other ranks flattened."""
    value = value.astype(np.float64)
    if value.ndim == 3 and mask is not None and mask.shape == value.shape[:2]:
        weights = mask.astype(np.float64)[..., None]
        return (value * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
    if value.ndim == 3:
        return value.mean(axis=1)
    return value.reshape(value.shape[0], -1)


def _cosine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1)
    return (a * b).sum(axis=-1) / np.maximum(norms, 1e-12)


def describe(report: dict[str, Any]) -> list[str]:
    """Lines the CLI prints for a graph-pass report."""
    lines = []
    for entry in report["passes"]:
        if entry["name"] == "optimize":
            fusions = ", ".join(f"{k} {v}" for k, v in entry.get("fusions", {}).items())
            state = "applied" if entry["applied"] else "not applied"
            lines.append(f"optimize ({entry['model_type']}): {state}; fusions: {fusions or 'none'}")
        else:
            lines.append(
                f"quantize {entry['precision']} {entry['mode']}: weights {entry['weights']}, "
                f"activations {entry['activations']}, {entry['format']}"
            )
    sizes = report["model_bytes"]
    evaluated = report["evaluated_on"]
    lines.append(
        f"model.onnx {sizes['fp32'] / 1e6:.2f} MB → {sizes['final'] / 1e6:.2f} MB; accuracy on "
        f"{evaluated['validation_inputs']} validation inputs + "
        f"{evaluated['held_in_sentences']} held-in sentences:"
    )
    for name, stats in report["outputs"].items():
        parts = [
            f"max abs diff vs fp32 {stats['max_abs_diff_vs_fp32']:.3g}",
            f"vs PyTorch {stats['max_abs_diff_vs_pytorch']:.3g}",
        ]
        if "cosine_vs_fp32" in stats:
            cosine = stats["cosine_vs_fp32"]
            parts.append(f"cosine vs fp32 mean {cosine['mean']:.5f} min {cosine['min']:.5f}")
        if "label_agreement_vs_fp32_percent" in stats:
            parts.append(
                f"labels agree with fp32 {stats['label_agreement_vs_fp32_percent']:.1f}% "
                f"and PyTorch {stats['label_agreement_vs_pytorch_percent']:.1f}%"
            )
        lines.append(f"  {name}: " + ", ".join(parts))
    return lines
