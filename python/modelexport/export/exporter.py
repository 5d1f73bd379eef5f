"""export_with_config: a Hugging Face model to a modelexport package, atomically.

Steps: resolve the source, load model + processor, build example inputs, torch.onnx.export,
embed the package metadata (C++ core), copy config/processor files, validate against PyTorch,
then rename the finished temporary folder to OUT_DIR. Everything that depends on the modality
(text, image) is in the input builder `inputs_for` picks (inputs.py)."""

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
from modelexport.export.graph_passes import (
    GraphPassContext,
    GraphPassRequest,
    apply_graph_passes,
)
from modelexport.export.inputs import (
    ModalityInputs,
    ShapePlan,
    first_line,
    inputs_for,
    package_inputs,
    task_module,
)
from modelexport.export.progress import TimingReporter
from modelexport.export.source import ModelSource, resolve_model
from modelexport.export.tasks import TaskSpec, detect_task, task_spec
from modelexport.interrupt import INTERRUPTED
from modelexport.version import __version__

DEFAULT_ATOL = 1e-4


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
    # single_file: the folder's total size and each embedded file's (size, stored size);
    # output_dir is then the .onnx and files holds it alone.
    folder_bytes: int | None = None
    embedded: dict[str, tuple[int, int]] | None = None
    # --optimize / --quantize: the passes applied and their accuracy report (graph_passes.py)
    graph_passes: dict[str, Any] | None = None


def export_with_config(
    model_name_or_path: str | os.PathLike[str],
    output_dir: str | Path,
    *,
    task: str | None = None,
    batch_size: int = 1,
    sequence_length: int | None = None,
    image_size: tuple[int, int] | None = None,
    audio_seconds: float | None = None,
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
    single_file: bool = False,
    shape_buckets: list[int] | None = None,
    optimize: bool = False,
    quantize: str | None = None,
    calibration: str | Path | None = None,
) -> ExportReport:
    """Export a model folder or cached Hub id into the package folder `output_dir`.

    Nothing is left at `output_dir` unless the whole export (and validation, when enabled)
    succeeds: the package is built in a temporary folder beside it and renamed at the end.
    `hierarchy=False` is --clean-onnx: no per-node module tags. `exporter`: "auto" (dynamo,
    falling back to TorchScript), "dynamo" or "torchscript". `sequence_length` is for text
    models, `image_size` (height, width) for image models, `audio_seconds` (the fixed clip
    length) for raw-waveform audio models. `single_file`: `output_dir` names one .onnx that
    embeds every file of the package (`modelexport pack`; external weights inlined; at most
    2 GB), written the same all-or-nothing way. `shape_buckets`: for text models, the extra
    fixed sequence lengths (below the export length) to write as graphs sharing model.onnx's
    weights, [] for one graph; None (the default) gives the ladder 16/24/32/48/64/… when neither
    `sequence_length`, `dynamic`, `single_file` nor the torchscript exporter is given, else one
    graph. `optimize` (ONNX Runtime's transformer fusions) and `quantize` ("int8": dynamic, or
    static calibrated on the lines of the text file `calibration`) transform the validated fp32
    graph (graph_passes.py) before the buckets are cut from it."""
    reporter = reporter or TimingReporter()
    output_dir = Path(output_dir).expanduser().absolute()
    if batch_size < 1:
        raise ModelExportError(f"--batch-size must be at least 1, got {batch_size}")
    if sequence_length is not None and sequence_length < 1:
        raise ModelExportError(f"--sequence-length must be at least 1, got {sequence_length}")
    if image_size is not None and min(image_size) < 1:
        raise ModelExportError(f"--image-size must be positive, got {image_size}")
    if audio_seconds is not None and not audio_seconds > 0:
        raise ModelExportError(f"--audio-seconds must be positive, got {audio_seconds}")
    if shape_buckets and dynamic:
        raise ModelExportError("--shape-buckets makes fixed-shape graphs: drop --dynamic")
    if shape_buckets and single_file:
        raise ModelExportError(
            "--shape-buckets writes several graphs: a --single-file package holds one"
        )
    passes = GraphPassRequest(
        optimize, quantize, Path(calibration).expanduser() if calibration is not None else None
    )
    passes.check()
    output_dir = _final_output_dir(output_dir)
    if single_file:
        _check_output_file(output_dir, force)
    else:
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
            image_size=image_size,
            audio_seconds=audio_seconds,
            dynamic=dynamic,
            opset=opset,
            copy_config=copy_config,
            validate=validate,
            atol=atol,
            trust_remote_code=trust_remote_code,
            hierarchy=hierarchy,
            exporter=exporter,
            reporter=reporter,
            shape_buckets=shape_buckets,
            # TorchScript traces a symbolic axis without checking it (DeBERTa's relative
            # positions keep the traced length): the default ladder needs dynamo.
            automatic_buckets=shape_buckets is None
            and sequence_length is None
            and not dynamic
            and not single_file
            and exporter != "torchscript",
            passes=passes,
        )
        with reporter.step("Finalizing package"):
            if INTERRUPTED.is_set():  # an interrupt some library swallowed
                raise KeyboardInterrupt
            if single_file:
                _pack_into_place(staging, output_dir, force, report)
            else:
                _move_into_place(staging, output_dir, force)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if single_file:
        shutil.rmtree(staging, ignore_errors=True)
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
    image_size: tuple[int, int] | None,
    audio_seconds: float | None,
    dynamic: bool,
    opset: int | None,
    copy_config: bool,
    validate: bool,
    atol: float,
    trust_remote_code: bool,
    hierarchy: bool,
    exporter: str,
    reporter: TimingReporter,
    shape_buckets: list[int] | None,
    automatic_buckets: bool,
    passes: GraphPassRequest,
) -> ExportReport:
    from modelexport.export.onnx_export import SCOPE_ROOT
    from modelexport.export.validation import validate_against_torch

    with reporter.step(f"Loading model and processor ({spec.name})"):
        inputs = inputs_for(
            spec,
            source,
            trust_remote_code=trust_remote_code,
            sequence_length=sequence_length,
            image_size=image_size,
            audio_seconds=audio_seconds,
        )
        model = _load_model(source, spec, trust_remote_code)
        inputs.prepare_model(model)
        buckets = (
            [] if dynamic else inputs.use_shape_buckets(shape_buckets, automatic=automatic_buckets)
        )
        forward_parameters = set(inspect.signature(model.forward).parameters)
        input_names = inputs.graph_input_names(forward_parameters, dynamic=dynamic)
        modules = _module_tree(model)

    with reporter.step("Building example inputs"):
        plans = inputs.plans(input_names, batch_size=batch_size, dynamic=dynamic)
        plan = next(plans)

    raw_path = staging / "raw.onnx"
    with reporter.step("Exporting to ONNX"):
        outcome, plan, module = _export_first_plan(
            spec, model, plan, plans, raw_path, opset=opset, exporter=exporter, atol=atol
        )
        output_names = module.output_names
        input_names = outcome.input_names
        example = {name: plan.example[name] for name in input_names}
        for note in plan.notes:
            reporter.warn(note)

    model_path = staging / "model.onnx"
    step = (
        "Tagging nodes with modules and embedding metadata" if hierarchy else "Embedding metadata"
    )
    with reporter.step(step):
        export_config = {
            "exporter": outcome.exporter,
            "dynamo_error": outcome.dynamo_error,
            "opset": outcome.opset,
            **plan.shapes,
            "input_names": input_names,
            "output_names": list(output_names),
            "hierarchy": hierarchy,
            "versions": _library_versions(),
        }
        if plan.notes:
            export_config["notes"] = plan.notes
        if passes.any:
            export_config["graph_passes"] = passes.to_json()
        meta = _native.PackageMetadata()
        meta.task = spec.name
        meta.model_config_json = model.config.to_json_string(use_diff=False)
        meta.processor_config_json = json.dumps(inputs.processor_config(plan, input_names))
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

    warnings: list[str] = list(plan.notes)
    with reporter.step(f"Copying configuration and {inputs.files_description}"):
        if copy_config:
            _copy_configuration(source, inputs, staging)
        else:
            message = (
                f"--no-config: config.json and {inputs.files_description} not copied; "
                "Optimum will not load this package"
            )
            warnings.append(message)
            reporter.warn(message)

    cases = [("example input", example)] + [
        (name, {n: case[n] for n in input_names}) for name, case in plan.cases[1:]
    ]
    validation = None
    if validate:
        with reporter.step("Validating against PyTorch"):
            report = validate_against_torch(model_path, module, output_names, cases, atol)
            validation = report.to_json()
            if not report.passed:
                worst = max(report.cases, key=lambda c: max(c.max_abs_diff.values()))
                raise ModelExportError(
                    f"validation failed: max abs difference {report.max_abs_diff:.3g} exceeds "
                    f"--atol {atol:g} (case '{worst.name}': {worst.max_abs_diff})"
                )

    graph_passes = None
    if passes.any:
        context = GraphPassContext(
            spec=spec,
            config=model.config,
            module=module,
            output_names=tuple(output_names),
            input_names=input_names,
            cases=cases,
            shapes=plan.shapes,
            tokenizer=inputs.processor if spec.modality == "text" else None,
            modules=modules,
            hierarchy=hierarchy,
        )
        outcome_passes = apply_graph_passes(staging, passes, context, reporter)
        graph_passes = outcome_passes.report
        warnings += outcome_passes.warnings
        if outcome_passes.hierarchy is not None:
            hierarchy_document["statistics"] = outcome_passes.hierarchy
    if buckets:
        validation = _write_shape_buckets(
            staging,
            inputs,
            buckets,
            module,
            output_names,
            input_names,
            atol,
            validation,
            check=validate and passes.quantize is None,
            required=bool(shape_buckets),
            warnings=warnings,
            reporter=reporter,
        )
        if not (staging / _native.shape_bucket_file(buckets[0])).is_file():
            export_config.pop("sequence_buckets", None)
    slices = inputs.graph_slices()
    if slices:
        _native.write_graph_slices(str(model_path), list(slices.items()))

    result = ExportReport(
        output_dir=staging,
        task=spec.name,
        exporter=outcome.exporter,
        opset=outcome.opset,
        validation=validation,
        hierarchy=hierarchy_document["statistics"],
        export_seconds=round(outcome.seconds, 3),
        warnings=warnings,
        graph_passes=graph_passes,
    )
    _write_export_metadata(staging, source, spec, export_config, result, reporter)
    result.files = {p.name: p.stat().st_size for p in sorted(staging.iterdir()) if p.is_file()}
    return result


def _write_shape_buckets(
    staging: Path,
    inputs: ModalityInputs,
    lengths: list[int],
    module: Any,
    output_names: tuple[str, ...],
    input_names: list[str],
    atol: float,
    validation: dict[str, Any] | None,
    *,
    check: bool,
    required: bool,
    warnings: list[str],
    reporter: TimingReporter,
) -> dict[str, Any] | None:
    """Writes the shape buckets and, with `check`, validates each smaller one against PyTorch on
    inputs padded to its length (its cases join the validation report). A model whose trace
    does not hold at other lengths (a length baked into the graph) fails here: with buckets the
    user asked for that is the export's error; with the default ladder the package falls back to
    one graph of the export length, with a warning."""
    from modelexport.export.text_inputs import SEQUENCE_AXIS
    from modelexport.export.validation import validate_against_torch

    model_path = staging / "model.onnx"
    with reporter.step(f"Writing shape buckets {'/'.join(map(str, lengths))}"):
        _native.write_shape_buckets(str(model_path), SEQUENCE_AXIS, lengths)
    if not check:
        return validation
    cases: list[dict[str, Any]] = []
    try:
        with reporter.step("Validating shape buckets against PyTorch"):
            for length in lengths[:-1]:
                graph = staging / _native.shape_bucket_file(length)
                report = validate_against_torch(
                    graph, module, output_names, inputs.bucket_cases(length, input_names), atol
                )
                if not report.passed:
                    raise ModelExportError(
                        f"{graph.name} differs from PyTorch by {report.max_abs_diff:.3g} "
                        f"(--atol {atol:g})"
                    )
                cases += report.to_json()["cases"]
    except ModelExportError as error:
        if required:
            raise ModelExportError(f"shape bucket validation failed: {error}") from None
        _native.remove_shape_buckets(str(model_path))
        message = (
            f"shape buckets left out, one {lengths[-1]}-token graph instead: the traced graph "
            f"does not hold at other lengths ({_first_line(error)[:200]})"
        )
        warnings.append(message)
        reporter.warn(message)
        return validation
    if validation is not None:
        validation["cases"].extend(cases)
    return validation


def _load_model(source: ModelSource, spec: TaskSpec, trust_remote_code: bool) -> Any:
    import transformers

    auto_class = getattr(transformers, spec.auto_class)
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
    return model.eval()


def _returned_outputs(
    model: Any, output_names: tuple[str, ...], example: dict[str, np.ndarray]
) -> tuple[str, ...]:
    """The task's outputs the model returns (an image model without a pooler returns no
    pooler_output): the graph has those, in the task's order."""
    if len(output_names) == 1:
        return output_names
    import torch

    with torch.no_grad():
        outputs = model(**{k: torch.from_numpy(v) for k, v in example.items()}, return_dict=True)
    returned = tuple(name for name in output_names if outputs.get(name) is not None)
    if not returned:
        raise ModelExportError(f"the model returns none of the task's outputs {output_names}")
    return returned


def _export_first_plan(
    spec: TaskSpec,
    model: Any,
    plan: ShapePlan,
    plans: Any,
    raw_path: Path,
    *,
    opset: int | None,
    exporter: str,
    atol: float,
) -> tuple[Any, ShapePlan, Any]:
    """Export with the first shape plan that exports and validates; returns the exporter's
    outcome, the plan and the traced module. A plan with a fallback (dynamic image
    height/width) is checked against PyTorch on its own inputs here; when anything about it
    fails, the next plan is used and the reason recorded in its notes."""
    from modelexport.export.onnx_export import export_onnx
    from modelexport.export.validation import validate_against_torch

    notes: list[str] = []
    while True:
        if plan.fallback_note is None:
            output_names = _returned_outputs(model, spec.output_names, plan.example)
            module = task_module(spec, model, output_names)
            outcome = export_onnx(
                module, plan.example, raw_path, axes=plan.axes, opset=opset, exporter=exporter
            )
            plan.notes = notes + plan.notes
            return outcome, plan, module
        try:
            output_names = _returned_outputs(model, spec.output_names, plan.example)
            module = task_module(spec, model, output_names)
            # TorchScript traces any dynamic axes without checking them: try dynamo only.
            outcome = export_onnx(
                module,
                plan.example,
                raw_path,
                axes=plan.axes,
                opset=opset,
                exporter="dynamo" if exporter == "auto" else exporter,
                strict_axes=True,
            )
            check = validate_against_torch(raw_path, module, output_names, plan.cases, atol)
            if not check.passed:
                raise ModelExportError(
                    f"validation max abs difference {check.max_abs_diff:.3g} exceeds {atol:g}"
                )
            plan.notes = notes + plan.notes
            return outcome, plan, module
        except Exception as error:  # the model, exporter or validation refuses these shapes
            if INTERRUPTED.is_set():
                raise
            notes.append(f"{plan.fallback_note}: {_reason(error)}")
            for leftover in raw_path.parent.glob(raw_path.name + "*"):
                leftover.unlink()
            plan = next(plans)


def _reason(error: BaseException) -> str:
    """One line on why a shape plan failed: the model's own complaint where the exporter's
    message wraps it (torch.export's first lines are generic advice)."""
    text = " ".join(str(error).split())
    for marker in ("Constraints violated", "ValueError:", "RuntimeError:", "AssertionError:"):
        index = text.find(marker)
        if index > 0:
            text = text[index:]
            break
    return (text or type(error).__name__)[:300]


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


def _copy_configuration(source: ModelSource, inputs: ModalityInputs, staging: Path) -> None:
    shutil.copyfile(source.path / "config.json", staging / "config.json")
    inputs.save_files(staging)


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
    if result.graph_passes is not None:
        document["graph_passes"] = result.graph_passes
    (staging / "export_metadata.json").write_text(json.dumps(document, indent=2) + "\n")


def _check_output_dir(output_dir: Path, force: bool) -> None:
    if output_dir.exists():
        if not output_dir.is_dir():
            raise ModelExportError(f"{output_dir}: exists and is not a directory")
        if any(output_dir.iterdir()) and not force:
            raise ModelExportError(f"{output_dir}: not empty (use --force to replace it)")


def _check_output_file(output: Path, force: bool) -> None:
    if output.suffix != ".onnx":
        raise ModelExportError(f"{output}: --single-file writes one file: name it NAME.onnx")
    if output.is_dir():
        raise ModelExportError(f"{output}: is a directory; --single-file writes one .onnx file")
    if output.exists() and not force:
        raise ModelExportError(f"{output}: exists (use --force to replace it)")


def _pack_into_place(staging: Path, output: Path, force: bool, report: ExportReport) -> None:
    """The finished package folder as the single file `output` (the C++ core writes it
    atomically: nothing is left at `output` when it fails)."""
    try:
        result = _native.pack_package(str(staging), str(output), overwrite=force)
    except (ValueError, RuntimeError) as error:
        raise ModelExportError(str(error)) from None
    report.files = {output.name: result.bytes}
    report.folder_bytes = result.folder_bytes
    report.embedded = {f.name: (f.size, f.stored_size) for f in result.files}


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


_first_line = first_line


def load_inputs_for_package(package_dir: Path) -> dict[str, np.ndarray]:
    """Example inputs for an exported package, built from its own processor and metadata."""
    metadata = dict(_native.read_metadata(str(package_dir)))
    export_config = json.loads(metadata[keys.EXPORT_CONFIG])
    spec = task_spec(metadata[keys.PIPELINE_TASK])
    return package_inputs(Path(package_dir), spec, export_config)


def validate_package_against_source(package_dir: str | Path, atol: float = DEFAULT_ATOL) -> Any:
    """Re-run validation of an existing package against the PyTorch model it came from (the
    source recorded in its metadata must still be available)."""
    import onnxruntime  # noqa: F401  (fail early with a clear import error)

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
    export_config = json.loads(metadata.get(keys.EXPORT_CONFIG, "{}"))
    output_names = tuple(export_config.get("output_names") or spec.output_names)
    inputs = inputs_for(spec, source, trust_remote_code=False)
    model = _load_model(source, spec, trust_remote_code=False)
    inputs.prepare_model(model)
    module = task_module(spec, model, output_names)
    cases = [("package input", load_inputs_for_package(model_path.parent))]
    return validate_against_torch(model_path, module, output_names, cases, atol)
