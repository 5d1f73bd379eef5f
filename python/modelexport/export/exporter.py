"""export_with_config: a Hugging Face text model to a modelexport package, atomically.

Steps: resolve the source, load model + tokenizer, build example inputs, torch.onnx.export,
embed the package metadata (C++ core), copy config/tokenizer files, validate against PyTorch,
then rename the finished temporary folder to OUT_DIR."""

from __future__ import annotations

import errno
import inspect
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from modelexport import _native
from modelexport._native import metadata_keys as keys
from modelexport.errors import ModelExportError
from modelexport.export.inputs import (
    EXAMPLE_TEXTS,
    OTHER_TEXTS,
    Shapes,
    graph_input_names,
    tokenize,
)
from modelexport.export.progress import TimingReporter
from modelexport.export.source import ModelSource, resolve_model
from modelexport.export.tasks import TaskSpec, detect_task, task_spec
from modelexport.interrupt import INTERRUPTED
from modelexport.version import __version__

DEFAULT_SEQUENCE_LENGTH = 128
DEFAULT_ATOL = 1e-4
# Files of a sentence-transformers folder that describe pooling/normalization (no weights).
_SENTENCE_TRANSFORMERS_FILES = (
    "modules.json",
    "sentence_bert_config.json",
    "config_sentence_transformers.json",
)


@dataclass
class ExportReport:
    output_dir: Path
    task: str
    exporter: str
    opset: int
    files: dict[str, int] = field(default_factory=dict)
    validation: dict[str, Any] | None = None
    hierarchy: dict[str, Any] | None = None  # statistics of the node tagging
    timings: dict[str, float] = field(default_factory=dict)
    export_seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


def export_with_config(
    model_name_or_path: str | os.PathLike[str],
    output_dir: str | Path,
    *,
    task: str | None = None,
    batch_size: int = 1,
    sequence_length: int | None = None,
    dynamic: bool = False,
    opset: int | None = None,
    copy_config: bool = True,
    validate: bool = True,
    atol: float = DEFAULT_ATOL,
    force: bool = False,
    revision: str | None = None,
    trust_remote_code: bool = False,
    hierarchy: bool = True,
    exporter: str = "auto",
    reporter: TimingReporter | None = None,
) -> ExportReport:
    """Export a model folder or cached Hub id into the package folder `output_dir`.

    Nothing is left at `output_dir` unless the whole export (and validation, when enabled)
    succeeds: the package is built in a temporary folder beside it and renamed at the end.
    `hierarchy=False` is --clean-onnx: no per-node module tags. `exporter`: "auto" (dynamo,
    falling back to TorchScript), "dynamo" or "torchscript"."""
    reporter = reporter or TimingReporter()
    output_dir = Path(output_dir).expanduser().absolute()
    if batch_size < 1:
        raise ModelExportError(f"--batch-size must be at least 1, got {batch_size}")
    if sequence_length is not None and sequence_length < 1:
        raise ModelExportError(f"--sequence-length must be at least 1, got {sequence_length}")
    output_dir = _final_output_dir(output_dir)
    _check_output_dir(output_dir, force)

    with reporter.step("Resolving model"):
        source = resolve_model(model_name_or_path, revision)
        _check_not_overlapping(output_dir, source.path)
        config = source.load_config()
        spec = task_spec(task) if task else task_spec(detect_task(config, source.path))

    staging = _make_staging_dir(output_dir)
    try:
        report = _export_into(
            staging,
            source,
            spec,
            batch_size=batch_size,
            sequence_length=sequence_length,
            dynamic=dynamic,
            opset=opset,
            copy_config=copy_config,
            validate=validate,
            atol=atol,
            trust_remote_code=trust_remote_code,
            hierarchy=hierarchy,
            exporter=exporter,
            reporter=reporter,
        )
        with reporter.step("Finalizing package"):
            if INTERRUPTED.is_set():  # an interrupt some library swallowed
                raise KeyboardInterrupt
            _move_into_place(staging, output_dir, force)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    report.output_dir = output_dir
    report.timings = dict(reporter.timings)
    return report


def _export_into(
    staging: Path,
    source: ModelSource,
    spec: TaskSpec,
    *,
    batch_size: int,
    sequence_length: int | None,
    dynamic: bool,
    opset: int | None,
    copy_config: bool,
    validate: bool,
    atol: float,
    trust_remote_code: bool,
    hierarchy: bool,
    exporter: str,
    reporter: TimingReporter,
) -> ExportReport:
    from modelexport.export.onnx_export import SCOPE_ROOT, TaskOutputs, export_onnx
    from modelexport.export.validation import validate_against_torch

    with reporter.step(f"Loading model and tokenizer ({spec.name})"):
        model, tokenizer = _load_model_and_tokenizer(source, spec, trust_remote_code)
        shapes = Shapes(
            batch_size=batch_size,
            sequence_length=_sequence_length(sequence_length, tokenizer, model.config),
            dynamic=dynamic,
        )
        forward_parameters = set(inspect.signature(model.forward).parameters)
        input_names = graph_input_names(tokenizer, forward_parameters)
        module = TaskOutputs(model, spec.output_names).eval()
        modules = _module_tree(model)

    with reporter.step("Building example inputs"):
        # Dynamic axes cannot be traced from size-1 examples (torch.export specializes them).
        trace_batch = max(batch_size, 2) if dynamic else batch_size
        try:
            example = tokenize(
                tokenizer,
                EXAMPLE_TEXTS,
                input_names,
                shapes,
                pairs=spec.uses_text_pairs,
                batch_size=trace_batch,
            )
        except Exception as error:
            raise ModelExportError(
                f"cannot build example inputs with sequence length {shapes.sequence_length}: "
                f"{_first_line(error)}"
            ) from None

    raw_path = staging / "raw.onnx"
    with reporter.step("Exporting to ONNX"):
        outcome = export_onnx(
            module, example, raw_path, dynamic=dynamic, opset=opset, exporter=exporter
        )
        input_names = outcome.input_names
        example = {name: example[name] for name in input_names}

    model_path = staging / "model.onnx"
    step = (
        "Tagging nodes with modules and embedding metadata" if hierarchy else "Embedding metadata"
    )
    with reporter.step(step):
        export_config = {
            "exporter": outcome.exporter,
            "dynamo_error": outcome.dynamo_error,
            "opset": outcome.opset,
            **shapes.describe(),
            "input_names": input_names,
            "output_names": list(spec.output_names),
            "hierarchy": hierarchy,
            "versions": _library_versions(),
        }
        meta = _native.PackageMetadata()
        meta.task = spec.name
        meta.model_config_json = model.config.to_json_string(use_diff=False)
        meta.processor_config_json = json.dumps(
            _processor_config(tokenizer, source, input_names, shapes)
        )
        meta.source = _native_source(source)
        meta.export_config_json = json.dumps(export_config)
        hierarchy_document = json.loads(
            _native.write_package_model(
                str(raw_path),
                str(model_path),
                str(staging / "model_hierarchy.json"),
                meta,
                modules,
                hierarchy,
                SCOPE_ROOT,
            )
        )
        raw_path.unlink()

    warnings: list[str] = []
    with reporter.step("Copying configuration and tokenizer files"):
        if copy_config:
            _copy_configuration(source, tokenizer, staging)
        else:
            message = (
                "--no-config: config.json and tokenizer files not copied; "
                "Optimum will not load this package"
            )
            warnings.append(message)
            reporter.warn(message)

    validation = None
    if validate:
        with reporter.step("Validating against PyTorch"):
            other = tokenize(
                tokenizer,
                OTHER_TEXTS,
                input_names,
                shapes,
                pairs=spec.uses_text_pairs,
                batch_size=3 if dynamic else batch_size,
            )
            cases = [("example input", example), ("other input", other)]
            report = validate_against_torch(model_path, module, spec.output_names, cases, atol)
            validation = report.to_json()
            if not report.passed:
                worst = max(report.cases, key=lambda c: max(c.max_abs_diff.values()))
                raise ModelExportError(
                    f"validation failed: max abs difference {report.max_abs_diff:.3g} exceeds "
                    f"--atol {atol:g} (case '{worst.name}': {worst.max_abs_diff})"
                )

    result = ExportReport(
        output_dir=staging,
        task=spec.name,
        exporter=outcome.exporter,
        opset=outcome.opset,
        validation=validation,
        hierarchy=hierarchy_document["statistics"],
        export_seconds=round(outcome.seconds, 3),
        warnings=warnings,
    )
    _write_export_metadata(staging, source, spec, export_config, result, reporter)
    result.files = {p.name: p.stat().st_size for p in sorted(staging.iterdir()) if p.is_file()}
    return result


def _load_model_and_tokenizer(
    source: ModelSource, spec: TaskSpec, trust_remote_code: bool
) -> tuple[Any, Any]:
    import transformers

    auto_class = getattr(transformers, spec.auto_class)
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(
            source.path, trust_remote_code=trust_remote_code
        )
    except Exception as error:
        raise ModelExportError(
            f"{source.path}: cannot load a tokenizer ({_first_line(error)})"
        ) from None
    try:
        model = auto_class.from_pretrained(source.path, trust_remote_code=trust_remote_code)
    except ValueError as error:
        # transformers raises ValueError for a config its Auto class has no mapping for.
        raise ModelExportError(
            f"unsupported architecture for task '{spec.name}': {_first_line(error)}"
        ) from None
    except (OSError, RuntimeError) as error:
        raise ModelExportError(f"{source.path}: cannot load model ({_first_line(error)})") from None
    if getattr(model.config, "use_cache", None):
        model.config.use_cache = False
    _ensure_pad_token(tokenizer)
    if getattr(model.config, "pad_token_id", None) is None and tokenizer.pad_token_id is not None:
        # Sequence classifiers without a pad id (GPT-2) read the logits of the last position;
        # with padded inputs that must be the last real token, which they find by this id.
        model.config.pad_token_id = tokenizer.pad_token_id
    return model.eval(), tokenizer


def _ensure_pad_token(tokenizer: Any) -> None:
    """GPT-2 style tokenizers have no pad token; padding to fixed shapes reuses EOS."""
    if tokenizer.pad_token is None and tokenizer.eos_token is not None:
        tokenizer.pad_token = tokenizer.eos_token


def _module_tree(model: Any) -> list[tuple[str, str, int, bool]]:
    """named_modules() as (path, class, own parameter count, is container), every path of a
    shared module included. Containers (ModuleList, ModuleDict) define no forward: they never
    run, and their children show up as `name.index` in tags."""
    import torch

    seen: set[int] = set()
    tree = []
    for path, module in model.named_modules(remove_duplicate=False):
        own = 0
        for parameter in module.parameters(recurse=False):
            # Tied weights (embeddings shared with an LM head) count once, where first seen.
            if id(parameter) not in seen:
                seen.add(id(parameter))
                own += parameter.numel()
        tree.append(
            (path, type(module).__name__, own, type(module).forward is torch.nn.Module.forward)
        )
    return tree


def _sequence_length(requested: int | None, tokenizer: Any, config: Any) -> int:
    tokenizer_max = getattr(tokenizer, "model_max_length", None)
    ceiling = _native.max_sequence_length(
        tokenizer_max if isinstance(tokenizer_max, int) and tokenizer_max < 2**63 else None,
        config.to_json_string(use_diff=False),
    )
    if requested is None:
        return min(DEFAULT_SEQUENCE_LENGTH, ceiling) if ceiling else DEFAULT_SEQUENCE_LENGTH
    if ceiling and requested > ceiling:
        raise ModelExportError(
            f"--sequence-length {requested} exceeds the model's maximum of {ceiling}"
        )
    return requested


def _processor_config(
    tokenizer: Any, source: ModelSource, input_names: list[str], shapes: Shapes
) -> dict[str, Any]:
    config: dict[str, Any] = {
        "processor_type": "tokenizer",
        "tokenizer_class": type(tokenizer).__name__,
        "model_input_names": input_names,
        "shapes": shapes.describe(),
        "model_max_length": tokenizer.model_max_length
        if tokenizer.model_max_length < 1_000_000
        else None,
        "padding_side": tokenizer.padding_side,
        "truncation_side": tokenizer.truncation_side,
        "special_tokens": {k: str(v) for k, v in tokenizer.special_tokens_map.items()},
        "pad_token_id": tokenizer.pad_token_id,
    }
    tokenizer_config = source.path / "tokenizer_config.json"
    if tokenizer_config.is_file():
        config["tokenizer_config"] = json.loads(tokenizer_config.read_text(encoding="utf-8"))
    sentence_transformers = _sentence_transformers_config(source.path)
    if sentence_transformers:
        config["sentence_transformers"] = sentence_transformers
    return config


def _sentence_transformers_config(model_dir: Path) -> dict[str, Any] | None:
    modules_file = model_dir / "modules.json"
    if not modules_file.is_file():
        return None
    modules = json.loads(modules_file.read_text(encoding="utf-8"))
    result: dict[str, Any] = {"modules": modules}
    for module in modules:
        module_config = model_dir / module.get("path", "") / "config.json"
        if module.get("path") and module_config.is_file():
            result[module["path"]] = json.loads(module_config.read_text(encoding="utf-8"))
    return result


def _copy_configuration(source: ModelSource, tokenizer: Any, staging: Path) -> None:
    shutil.copyfile(source.path / "config.json", staging / "config.json")
    tokenizer.save_pretrained(staging)
    _make_tokenizer_config_portable(staging / "tokenizer_config.json")
    for name in _SENTENCE_TRANSFORMERS_FILES:
        if (source.path / name).is_file():
            shutil.copyfile(source.path / name, staging / name)
    modules_file = source.path / "modules.json"
    if modules_file.is_file():
        for module in json.loads(modules_file.read_text(encoding="utf-8")):
            sub = module.get("path")
            if sub and (source.path / sub).is_dir():
                (staging / sub).mkdir(exist_ok=True)
                for item in (source.path / sub).glob("*.json"):
                    shutil.copyfile(item, staging / sub / item.name)


# Keys transformers 5 writes into tokenizer_config.json that are load-time arguments, not
# tokenizer settings.
_LOAD_TIME_KEYS = ("is_local", "local_files_only")


def _make_tokenizer_config_portable(path: Path) -> None:
    """transformers 5 saves `extra_special_tokens` as a list, which transformers 4.x (what
    Optimum runs on) reads as a name->token dict and fails on; the list form is what both
    versions read as `additional_special_tokens`, with identical token ids."""
    if not path.is_file():
        return
    config = json.loads(path.read_text(encoding="utf-8"))
    extra = config.get("extra_special_tokens")
    if isinstance(extra, list):
        del config["extra_special_tokens"]
        additional = config.get("additional_special_tokens") or []
        config["additional_special_tokens"] = additional + [t for t in extra if t not in additional]
    for key in _LOAD_TIME_KEYS:
        config.pop(key, None)
    path.write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _native_source(source: ModelSource) -> Any:
    native = _native.ModelSource()
    native.kind = source.kind
    if source.kind == "hub":
        native.hub_id = source.hub_id
        native.hub_revision = source.revision
    else:
        native.original_path = str(source.path)
    return native


def _library_versions() -> dict[str, str]:
    import onnx
    import onnxruntime
    import onnxscript
    import torch
    import transformers

    return {
        "modelexport": __version__,
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "onnx": onnx.__version__,
        "onnxscript": onnxscript.__version__,
        "onnxruntime": onnxruntime.__version__,
    }


def _write_export_metadata(
    staging: Path,
    source: ModelSource,
    spec: TaskSpec,
    export_config: dict[str, Any],
    result: ExportReport,
    reporter: TimingReporter,
) -> None:
    document = {
        "modelexport_version": __version__,
        "source": {
            "kind": source.kind,
            "hub_id": source.hub_id or None,
            "revision": source.revision or None,
            "path": str(source.path),
        },
        "task": spec.name,
        "export_config": export_config,
        "export_seconds": result.export_seconds,
        "timings_seconds": dict(reporter.timings),
        "validation": result.validation,
        "hierarchy": result.hierarchy,
        "warnings": result.warnings,
    }
    (staging / "export_metadata.json").write_text(json.dumps(document, indent=2) + "\n")


def _check_output_dir(output_dir: Path, force: bool) -> None:
    if output_dir.exists():
        if not output_dir.is_dir():
            raise ModelExportError(f"{output_dir}: exists and is not a directory")
        if any(output_dir.iterdir()) and not force:
            raise ModelExportError(f"{output_dir}: not empty (use --force to replace it)")


def _final_output_dir(output_dir: Path) -> Path:
    """OUTPUT_DIR with a symbolic link followed: the package replaces the link's target and
    the link stays (a folder an operator linked keeps working)."""
    return output_dir.resolve() if output_dir.is_symlink() else output_dir


def _check_not_overlapping(output_dir: Path, source: Path) -> None:
    """--force replaces OUTPUT_DIR: it must never be, contain or sit inside the source."""
    out, src = output_dir.resolve(), source.resolve()
    if out == src or src in out.parents or out in src.parents:
        raise ModelExportError(
            f"{output_dir}: overlaps the source model folder {source} (it is, contains or is "
            "inside it); choose another output folder"
        )


def _pid_of(leftover: Path) -> int | None:
    """The exporting process named in `.NAME.partial-PID-xxxx` / `.NAME.previous-PID-xxxx`."""
    try:
        return int(leftover.name.rsplit("-", 2)[-2])
    except (IndexError, ValueError):
        return None


def _is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale_leftovers(output_dir: Path) -> None:
    """Staging and swapped-out folders of exports that were killed (kill -9, power loss)."""
    for kind in ("partial", "previous"):
        for leftover in output_dir.parent.glob(f".{output_dir.name}.{kind}-*"):
            pid = _pid_of(leftover)
            if pid is not None and pid != os.getpid() and not _is_alive(pid):
                shutil.rmtree(leftover, ignore_errors=True)


def _make_staging_dir(output_dir: Path) -> Path:
    try:
        output_dir.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale_leftovers(output_dir)
        staging = Path(
            tempfile.mkdtemp(
                prefix=f".{output_dir.name}.partial-{os.getpid()}-", dir=output_dir.parent
            )
        )
        # mkdtemp makes a private 0700 folder; a package gets the modes the umask gives.
        umask = os.umask(0)
        os.umask(umask)
        staging.chmod(0o777 & ~umask)
        return staging
    except OSError as error:
        raise ModelExportError(
            f"cannot write output directory {output_dir}: {error.strerror or error}"
        ) from None


def _move_into_place(staging: Path, output_dir: Path, force: bool) -> None:
    """Rename the finished package to output_dir, atomically checking that nothing appeared
    there meanwhile: rename(2) replaces only an empty folder, so a file written into
    OUTPUT_DIR during the export, or another export finishing first, makes this one fail
    instead of deleting their work. With --force an existing folder is swapped out first and
    removed only after the new one is in place."""
    previous = None
    if force and output_dir.exists():
        suffix = staging.name.rsplit(".partial-", 1)[-1]
        previous = output_dir.with_name(f".{output_dir.name}.previous-{suffix}")
        output_dir.rename(previous)
    try:
        staging.rename(output_dir)
    except OSError as error:
        if previous is not None:
            previous.rename(output_dir)
        if error.errno in (errno.ENOTEMPTY, errno.EEXIST):
            raise ModelExportError(
                f"{output_dir}: something was written there during the export (another export?);"
                " left it untouched (use --force to replace it)"
            ) from None
        raise
    if previous is not None:
        try:
            shutil.rmtree(previous)
        except OSError as error:
            raise ModelExportError(
                f"package written to {output_dir}, but the replaced folder {previous} could not "
                f"be removed: {error.strerror or error}"
            ) from None


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def load_inputs_for_package(package_dir: Path) -> dict[str, np.ndarray]:
    """Example inputs for an exported package, built from its own tokenizer and metadata."""
    import transformers

    metadata = dict(_native.read_metadata(str(package_dir)))
    export_config = json.loads(metadata[keys.EXPORT_CONFIG])
    spec = task_spec(metadata[keys.PIPELINE_TASK])
    tokenizer = transformers.AutoTokenizer.from_pretrained(package_dir)
    _ensure_pad_token(tokenizer)
    shapes = Shapes(
        batch_size=export_config.get("batch_size", 2),
        sequence_length=export_config.get("sequence_length", 0),
        dynamic=export_config["dynamic"],
    )
    return tokenize(
        tokenizer,
        OTHER_TEXTS,
        export_config["input_names"],
        shapes,
        pairs=spec.uses_text_pairs,
        batch_size=3 if shapes.dynamic else shapes.batch_size,
    )


def validate_package_against_source(package_dir: str | Path, atol: float = DEFAULT_ATOL) -> Any:
    """Re-run validation of an existing package against the PyTorch model it came from (the
    source recorded in its metadata must still be available)."""
    import onnxruntime  # noqa: F401  (fail early with a clear import error)

    from modelexport.export.onnx_export import TaskOutputs
    from modelexport.export.validation import validate_against_torch

    model_path = Path(_native.resolve_model_path(str(package_dir)))
    metadata = dict(_native.read_metadata(str(model_path)))
    if keys.MODEL_SOURCE not in metadata:
        raise ModelExportError(f"{model_path}: no modelexport metadata (hf_model_source)")
    if metadata[keys.MODEL_SOURCE] == "hub":
        source = resolve_model(metadata[keys.HUB_ID], metadata[keys.HUB_REVISION])
    else:
        original = Path(metadata[keys.ORIGINAL_PATH])
        if not original.is_dir():
            raise ModelExportError(f"source model folder {original} no longer exists")
        source = ModelSource(path=original, kind="local")
    spec = task_spec(metadata[keys.PIPELINE_TASK])
    model, _ = _load_model_and_tokenizer(source, spec, trust_remote_code=False)
    module = TaskOutputs(model, spec.output_names).eval()
    cases = [("package input", load_inputs_for_package(model_path.parent))]
    return validate_against_torch(model_path, module, spec.output_names, cases, atol)
