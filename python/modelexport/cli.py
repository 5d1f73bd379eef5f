"""The `modelexport` command: export, inspect and validate packages."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from modelexport import _native
from modelexport._native import metadata_keys as keys
from modelexport.errors import ModelExportError
from modelexport.export.progress import TimingReporter
from modelexport.interrupt import INTERRUPTED

app = typer.Typer(
    help="Export Hugging Face models to self-describing, Optimum-compatible ONNX packages.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(stderr=True, highlight=False)

# --quantize choices (graph_passes.QUANTIZE_MODES; an Enum so a wrong one is a usage error).
QuantizeMode = Enum("QuantizeMode", {"int8": "int8"}, type=str)
stdout = Console(highlight=False)


class RichReporter(TimingReporter):
    """Shows each export step with a spinner, then its duration."""

    @contextlib.contextmanager
    def step(self, description: str) -> Iterator[None]:
        start = time.perf_counter()
        with console.status(f"{description}..."), super().step(description):
            yield
        console.print(
            f"[green]✓[/green] {description} [dim]({time.perf_counter() - start:.1f}s)[/dim]"
        )

    def warn(self, message: str) -> None:
        console.print(f"[yellow]warning:[/yellow] {message}")


def _fail(message: str) -> NoReturn:
    console.print(f"[red]error:[/red] {message}", soft_wrap=True)
    raise typer.Exit(1)


def _human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def _parse_shape_buckets(text: str | None) -> list[int] | None:
    """--shape-buckets: None (the default ladder), [] for 'none', else the lengths."""
    if text is None:
        return None
    if text.strip().lower() == "none":
        return []
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise typer.BadParameter(
            f"'{text}': give lengths such as 16,32,64, or 'none'", param_hint="--shape-buckets"
        ) from None


@app.command()
def export(
    model: Annotated[
        str, typer.Argument(help="Local model folder or Hub id (from the local cache).")
    ],
    output_dir: Annotated[
        Path,
        typer.Argument(help="Package folder to create (with --single-file: the .onnx to write)."),
    ],
    task: Annotated[
        str | None, typer.Option(help="Pipeline task (default: detected from config.json).")
    ] = None,
    batch_size: Annotated[int, typer.Option(help="Fixed batch size of the graph.")] = 1,
    sequence_length: Annotated[
        int | None,
        typer.Option(help="Fixed sequence length (default 128, capped at the model's maximum)."),
    ] = None,
    image_size: Annotated[
        str | None,
        typer.Option(
            help="Image models: fixed image size HxW (default: from preprocessor_config.json)."
        ),
    ] = None,
    audio_seconds: Annotated[
        float | None,
        typer.Option(
            help="Raw-waveform audio models: fixed clip length in seconds (default 10); "
            "AST/Whisper fix it themselves."
        ),
    ] = None,
    dynamic: Annotated[
        bool,
        typer.Option(
            "--dynamic",
            help="Dynamic batch and sequence axes (images: batch, and height/width where the "
            "model allows; audio: batch, and samples for raw waveforms) instead of fixed.",
        ),
    ] = False,
    opset: Annotated[int | None, typer.Option(help="ONNX opset (default: the exporter's).")] = None,
    no_config: Annotated[
        bool,
        typer.Option("--no-config", help="Do not copy config/tokenizer files (breaks Optimum)."),
    ] = False,
    no_validate: Annotated[
        bool, typer.Option("--no-validate", help="Skip validation against PyTorch.")
    ] = False,
    atol: Annotated[float, typer.Option(help="Validation tolerance (max abs difference).")] = 1e-4,
    force: Annotated[bool, typer.Option("--force", help="Replace a non-empty OUTPUT_DIR.")] = False,
    revision: Annotated[str | None, typer.Option(help="Hub revision (cached snapshot).")] = None,
    trust_remote_code: Annotated[
        bool,
        typer.Option("--trust-remote-code", help="Allow custom modeling code in the model folder."),
    ] = False,
    clean_onnx: Annotated[
        bool, typer.Option("--clean-onnx", help="Write no per-node module tags (hierarchy).")
    ] = False,
    exporter: Annotated[
        str, typer.Option(help="auto (dynamo, falling back to TorchScript), dynamo, torchscript.")
    ] = "auto",
    shape_buckets: Annotated[
        str | None,
        typer.Option(
            help="Text models: extra fixed sequence lengths below the export length, as "
            "graphs sharing model.onnx's weights; the runtime runs each input on the smallest "
            "that fits (e.g. 16,32,64; 'none' for one graph). Default: 16/24/32/48/64/96/… up "
            "to the export length, unless --sequence-length, --dynamic or --single-file is given.",
        ),
    ] = None,
    single_file: Annotated[
        bool,
        typer.Option(
            "--single-file",
            help="Write one self-contained .onnx (config, tokenizer/processor files embedded; "
            "external weights inlined; at most 2 GB) instead of a folder.",
        ),
    ] = False,
    optimize: Annotated[
        bool,
        typer.Option(
            "--optimize",
            help="Apply ONNX Runtime's transformer fusions (attention, layer norm, GELU, "
            "embedding) to the validated graph; hierarchy kept.",
        ),
    ] = False,
    quantize: Annotated[
        QuantizeMode | None,
        typer.Option(
            help="Quantize the validated graph with ONNX Runtime (int8: dynamic, or static "
            "with --calibration); hierarchy kept, accuracy report printed.",
        ),
    ] = None,
    calibration: Annotated[
        Path | None,
        typer.Option(help="With --quantize: text file, one calibration input per line (static)."),
    ] = None,
) -> None:
    """Export MODEL into the package OUTPUT_DIR (model.onnx + configs + metadata)."""
    from transformers.utils import logging as transformers_logging

    from modelexport.export.exporter import export_with_config

    # Our step lines replace transformers' per-file progress bars.
    transformers_logging.disable_progress_bar()
    buckets = _parse_shape_buckets(shape_buckets)
    if calibration is not None and quantize is None:
        raise typer.BadParameter("needs --quantize int8", param_hint="--calibration")

    try:
        from modelexport.export.image_inputs import parse_image_size

        report = export_with_config(
            model,
            output_dir,
            task=task,
            batch_size=batch_size,
            sequence_length=sequence_length,
            image_size=parse_image_size(image_size) if image_size is not None else None,
            audio_seconds=audio_seconds,
            dynamic=dynamic,
            opset=opset,
            copy_config=not no_config,
            validate=not no_validate,
            atol=atol,
            force=force,
            revision=revision,
            trust_remote_code=trust_remote_code,
            hierarchy=not clean_onnx,
            exporter=exporter,
            reporter=RichReporter(),
            single_file=single_file,
            shape_buckets=buckets,
            optimize=optimize,
            quantize=quantize.value if quantize is not None else None,
            calibration=calibration,
        )
    except ModelExportError as error:
        _fail(str(error))
    except KeyboardInterrupt:
        console.print("[red]interrupted[/red]: no output written")
        raise typer.Exit(130) from None
    except Exception as error:  # a library failure we did not anticipate: still one line
        if INTERRUPTED.is_set():  # an interrupt that library code wrapped into another exception
            console.print("[red]interrupted[/red]: no output written")
            raise typer.Exit(130) from None
        message = " ".join(str(error).split())
        _fail(f"export failed ({type(error).__name__}): {message[:500]} — no output written")

    table = Table(title=f"Package {report.output_dir}", title_justify="left")
    table.add_column("file")
    table.add_column("size", justify="right")
    for name, size in report.files.items():
        table.add_row(name, _human_size(size))
    stdout.print(table)
    if report.embedded is not None:
        _print_embedded(
            {
                name: {"bytes": size, "stored_bytes": stored}
                for name, (size, stored) in report.embedded.items()
            }
        )
    stdout.print(
        f"task: [bold]{report.task}[/bold]   exporter: {report.exporter}   opset: {report.opset}"
    )
    if report.hierarchy is not None and not clean_onnx:
        stats = report.hierarchy
        stdout.print(
            f"hierarchy: {stats['total_nodes']} nodes tagged — {stats['direct']} direct, "
            f"{stats['inherited']} inherited, {stats['root_fallback']} root fallback; "
            f"{stats['modules_with_nodes']}/{stats['modules']} modules with nodes"
        )
    if report.validation is None:
        stdout.print("validation: [yellow]skipped[/yellow]")
    else:
        result = report.validation
        per_output: dict[str, float] = {}
        for case in result["cases"]:
            for output, diff in case["max_abs_diff"].items():
                per_output[output] = max(diff, per_output.get(output, 0.0))
        diffs = ", ".join(f"{name} {diff:.2e}" for name, diff in per_output.items())
        stdout.print(
            f"validation: [green]passed[/green] vs PyTorch on {len(result['cases'])} inputs, "
            f"max abs diff {diffs} (atol {result['atol']:g})"
            + (" (fp32 graph, before the graph passes)" if report.graph_passes else "")
        )
    if report.graph_passes is not None:
        from modelexport.export.graph_passes import describe

        stdout.print("graph passes:")
        for line in describe(report.graph_passes):
            stdout.print(f"  {line}", soft_wrap=True)


@app.command()
def inspect(
    path: Annotated[str, typer.Argument(help="Package folder or model.onnx.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    tree: Annotated[
        bool, typer.Option("--tree", help="Show the module tree with node and parameter counts.")
    ] = False,
    depth: Annotated[int | None, typer.Option(help="With --tree: levels to show.")] = None,
    graphml: Annotated[
        Path | None, typer.Option(help="Write the graph as GraphML, one compound node per module.")
    ] = None,
) -> None:
    """Show a package's task, inputs/outputs, source, versions and metadata."""

    if graphml is not None:
        try:
            _native.write_graphml(_native.resolve_model_path(path), str(graphml))
        except (ValueError, RuntimeError) as error:
            _fail(str(error))
        stdout.print(f"[green]✓[/green] wrote {graphml}")
        return
    if tree:
        _print_tree(path, depth, as_json)
        return
    try:
        description: dict[str, Any] = json.loads(_native.describe_package_json(path))
    except (ValueError, RuntimeError) as error:
        _fail(str(error))
    if as_json:
        stdout.print_json(data=description) if sys.stdout.isatty() else print(
            json.dumps(description)
        )
        return
    metadata = description["metadata"]
    stdout.print(f"[bold]{description['model_path']}[/bold]")
    stdout.print(f"task: [bold]{description['task']}[/bold]")
    source = metadata.get(keys.MODEL_SOURCE)
    if source == "hub":
        stdout.print(f"source: hub {metadata.get('hf_hub_id')} @ {metadata.get('hf_hub_revision')}")
    elif source == "local":
        stdout.print(f"source: local {metadata.get('hf_original_path')}")
    export_config = metadata.get(keys.EXPORT_CONFIG, {})
    if isinstance(export_config, dict):
        versions = export_config.get("versions", {})
        stdout.print(
            f"exporter: {export_config.get('exporter')}  opset: {export_config.get('opset')}  "
            + "  ".join(f"{k} {v}" for k, v in versions.items())
        )
    signature = Table(title="inputs / outputs", title_justify="left")
    for column in ("", "name", "type", "shape"):
        signature.add_column(column)
    for side in ("inputs", "outputs"):
        for tensor in description[side]:
            signature.add_row(side[:-1], tensor["name"], tensor["type"], str(tensor["shape"]))
    stdout.print(signature)
    meta_table = Table(title="metadata", title_justify="left")
    meta_table.add_column("key")
    meta_table.add_column("value", overflow="fold")
    for key, value in metadata.items():
        text = value if isinstance(value, str) else json.dumps(value)
        meta_table.add_row(key, text if len(text) <= 160 else text[:157] + "...")
    stdout.print(meta_table)
    files = Table(title="files", title_justify="left")
    files.add_column("name")
    files.add_column("size", justify="right")
    for entry in description["files"]:
        files.add_row(entry["name"], _human_size(entry["bytes"]))
    stdout.print(files)
    if description.get("self_contained"):
        _print_embedded({entry["name"]: entry for entry in description["embedded_files"]})


def _print_embedded(files: dict[str, dict[str, Any]]) -> None:
    table = Table(title="embedded files (single file)", title_justify="left")
    table.add_column("name")
    table.add_column("size", justify="right")
    table.add_column("stored", justify="right")
    for name, entry in files.items():
        table.add_row(name, _human_size(entry["bytes"]), _human_size(entry["stored_bytes"]))
    total = sum(entry["bytes"] for entry in files.values())
    stored = sum(entry["stored_bytes"] for entry in files.values())
    table.add_row(f"{len(files)} files", _human_size(total), _human_size(stored), style="bold")
    stdout.print(table)


@app.command()
def pack(
    package: Annotated[str, typer.Argument(help="Package folder (or its model.onnx).")],
    output: Annotated[Path, typer.Argument(help="The single .onnx file to write.")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing OUTPUT.")] = False,
) -> None:
    """Write a package as one self-contained .onnx: its config, tokenizer/processor and other
    files embedded in the metadata (compressed, checked by size and CRC-32), external weights
    inlined. Refused above protobuf's 2 GB limit."""
    if output.suffix != ".onnx":
        _fail(f"{output}: name the single file NAME.onnx")
    try:
        result = _native.pack_package(package, str(output), overwrite=force)
    except (ValueError, RuntimeError, OSError) as error:
        _fail(str(error))
    _print_embedded(
        {f.name: {"bytes": f.size, "stored_bytes": f.stored_size} for f in result.files}
    )
    inlined = " (external weights inlined)" if result.inlined_external_data else ""
    if result.dropped_buckets:
        stdout.print(
            f"shape buckets left out ({', '.join(result.dropped_buckets)}): a single file holds "
            "one graph, model.onnx, which runs every input at its full length"
        )
    stdout.print(
        f"[green]✓[/green] {output}: {_human_size(result.bytes)}{inlined}; "
        f"the folder held {_human_size(result.folder_bytes)}"
    )


@app.command()
def unpack(
    single_file: Annotated[str, typer.Argument(help="A single-file package (.onnx).")],
    output_dir: Annotated[Path, typer.Argument(help="The package folder to create.")],
) -> None:
    """Restore the package folder of a single-file package (Optimum loads it): model.onnx and
    every embedded file, byte for byte."""
    try:
        _native.unpack_package(single_file, str(output_dir))
    except (ValueError, RuntimeError, OSError) as error:
        _fail(str(error))
    stdout.print(f"[green]✓[/green] unpacked {single_file} → {output_dir}")


def _print_tree(path: str, depth: int | None, as_json: bool) -> None:
    from rich.tree import Tree

    from modelexport import package_files

    try:
        model_path = _native.resolve_model_path(path)
        package = Path(model_path).parent
        single = package_files.is_single_file(model_path)
    except ValueError as error:
        _fail(str(error))
    hierarchy_file = Path(model_path) if single else package / "model_hierarchy.json"
    if single:
        try:
            text = package_files.read_file(model_path, "model_hierarchy.json").decode("utf-8")
        except (ValueError, UnicodeDecodeError) as error:
            _fail(str(error))
    elif not hierarchy_file.is_file():
        _fail(f"{package}: no model_hierarchy.json (exported by an older modelexport?)")
    else:
        text = hierarchy_file.read_text(encoding="utf-8")
    try:
        document = json.loads(text)
        if not isinstance(document["tree"]["children"], list) or "statistics" not in document:
            raise KeyError("tree.children / statistics")
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        _fail(f"{hierarchy_file}: not a modelexport hierarchy document ({error!r})")

    def prune(node: dict[str, Any], level: int) -> dict[str, Any]:
        children = [] if depth is not None and level >= depth else node["children"]
        return {**node, "children": [prune(c, level + 1) for c in children]}

    root = prune(document["tree"], 0)
    if as_json:
        print(json.dumps({"statistics": document["statistics"], "tree": root}))
        return

    def label(node: dict[str, Any]) -> str:
        parts = node["path"].split(".")
        # List items read better with their list's name: layer.1 rather than 1.
        name = ".".join(parts[-2:]) if parts[-1].isdigit() and len(parts) > 1 else parts[-1]
        name = name or "(root)"
        return (
            f"[bold]{name}[/bold] [cyan]{node['class']}[/cyan] "
            f"[dim]{node['subtree_nodes']} nodes ({node['nodes']} own), "
            f"{node['parameters']:,} params[/dim]"
        )

    def add(branch: Tree, node: dict[str, Any]) -> None:
        for child in node["children"]:
            add(branch.add(label(child)), child)

    view = Tree(label(root))
    add(view, root)
    stdout.print(view)
    stats = document["statistics"]
    stdout.print(
        f"{stats['total_nodes']} nodes: {stats['direct']} direct, {stats['inherited']} inherited,"
        f" {stats['root_fallback']} root fallback; {len(stats['unused_modules'])} unused modules"
    )


@app.command()
def extract(
    path: Annotated[str, typer.Argument(help="Package folder or model.onnx (with tags).")],
    module: Annotated[str, typer.Option(help="Dotted module path, e.g. encoder.layer.0.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="ONNX file to write.")],
) -> None:
    """Write one module's subgraph as a standalone, runnable ONNX model."""

    try:
        _native.extract_module(_native.resolve_model_path(path), module, str(output))
    except (ValueError, RuntimeError) as error:
        _fail(str(error))
    stdout.print(f"[green]✓[/green] module {module!r} → {output}")


@app.command(
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    add_help_option=False,
)
def run(ctx: typer.Context) -> None:
    """Run a package's pipeline natively; one JSON result per input (`run --help` for options).

    The same command as the native modelexport-run (one C++ implementation): identical options,
    input files and output bytes."""
    sys.stdout.flush()
    sys.stderr.flush()
    args = [b"modelexport run", *(os.fsencode(arg) for arg in ctx.args)]
    raise typer.Exit(_native.run_command(args))


@app.command()
def profile(
    path: Annotated[str, typer.Argument(help="Package folder or .onnx (with hierarchy tags).")],
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Inputs as `run` takes them (texts; image/audio tasks: file paths). "
            "Default: a sentence, for text tasks."
        ),
    ] = None,
    runs: Annotated[int, typer.Option(min=1, help="Profiled calls (after one warm-up).")] = 10,
    threads: Annotated[int, typer.Option(min=0, help="Intra-op threads (0: ORT's default).")] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print the profile as JSON.")] = False,
    trace: Annotated[
        Path | None,
        typer.Option(help="Write a Chrome trace (chrome://tracing, Perfetto), a track per module."),
    ] = None,
    trace_depth: Annotated[
        int, typer.Option(min=0, help="With --trace: module depth of the tracks.")
    ] = 3,
    depth: Annotated[int | None, typer.Option(help="Levels of the tree to show.")] = None,
) -> None:
    """Time every module: the pipeline under ONNX Runtime's profiler, node times by module."""

    try:
        text = _native.profile_package(
            path,
            inputs or None,
            runs=runs,
            intra_op_threads=threads,
            trace_path=str(trace) if trace else "",
            trace_depth=trace_depth,
        )
    except (ValueError, RuntimeError) as error:
        _fail(str(error))
    report: dict[str, Any] = json.loads(text)
    if as_json:
        print(text)
        return
    _print_profile(report, depth)


def _print_profile(report: dict[str, Any], depth: int | None) -> None:
    from rich.tree import Tree

    def label(node: dict[str, Any]) -> str:
        parts = node["path"].split(".")
        name = ".".join(parts[-2:]) if parts[-1].isdigit() and len(parts) > 1 else parts[-1]
        share = node["share"] * 100
        colour = "red" if share >= 20 else "yellow" if share >= 5 else "green"
        return (
            f"[bold]{name or '(root)'}[/bold] [cyan]{node['class']}[/cyan] "
            f"[{colour}]{node['total_us'] / 1000:.3f} ms {share:.1f}%[/{colour}] "
            f"[dim]self {node['self_us'] / 1000:.3f} ms, {node['nodes']} nodes[/dim]"
        )

    def add(branch: Tree, node: dict[str, Any], level: int) -> None:
        if depth is not None and level >= depth:
            return
        for child in sorted(node["children"], key=lambda c: -c["total_us"]):
            add(branch.add(label(child)), child, level + 1)

    view = Tree(label(report["tree"]))
    add(view, report["tree"], 0)
    stdout.print(view)
    rules = report["attribution"]
    stdout.print(
        f"per call: {report['run_wall_us'] / 1000:.3f} ms measured Run wall time "
        f"({report['session_runs']} Runs / {report['calls']} calls), "
        f"{report['node_us'] / 1000:.3f} ms in nodes: coverage {report['coverage'] * 100:.1f}%, "
        f"{report['outside_nodes_us'] / 1000:.3f} ms outside nodes"
    )
    stdout.print(
        f"{report['executed_nodes']} nodes ran (optimization {report['optimization']}): "
        f"{rules['same_name']} by name, {rules['fused']} fused, {rules['inherited']} inherited, "
        f"{rules['root']} root"
    )
    slowest = Table(title="slowest nodes", title_justify="left")
    for column in ("node", "op", "module", "ms", "share"):
        slowest.add_column(column, justify="right" if column in ("ms", "share") else "left")
    for node in report["slowest_nodes"]:
        slowest.add_row(
            node["name"],
            node["op"],
            node["module"] or "(root)",
            f"{node['us'] / 1000:.3f}",
            f"{node['share'] * 100:.1f}%",
        )
    stdout.print(slowest)
    if report["trace"]:
        stdout.print(f"[green]✓[/green] wrote {report['trace']}")


@app.command()
def validate(
    package: Annotated[Path, typer.Argument(help="Package folder.")],
    optimum: Annotated[
        bool,
        typer.Option("--optimum", help="Load with Optimum's ORTModelFor* and compare outputs."),
    ] = False,
    atol: Annotated[
        float | None, typer.Option(help="Tolerance (default 1e-4; 1e-5 for --optimum).")
    ] = None,
) -> None:
    """Check a package against PyTorch (default) or against Optimum (--optimum)."""
    try:
        if optimum:
            from modelexport.optimum_compat import OPTIMUM_ATOL, validate_optimum_compatibility

            report = validate_optimum_compatibility(
                package, atol if atol is not None else OPTIMUM_ATOL
            )
            diffs = ", ".join(f"{k} {v:.2e}" for k, v in report.max_abs_diff.items())
            if not report.passed:
                _fail(
                    f"Optimum {report.model_class} outputs differ: {diffs} (atol {report.atol:g})"
                )
            processor = (
                "loads and prepares equal inputs"
                if report.processor_problem is None
                else f"[yellow]{report.processor_problem}[/yellow]"
            )
            if report.processor_unchecked:
                processor = f"[yellow]not checked: {report.processor_unchecked}[/yellow]"
            stdout.print(
                f"[green]✓[/green] Optimum {report.model_class} loads {package}; "
                f"max abs diff {diffs} (atol {report.atol:g}); processor {processor}"
            )
        else:
            from modelexport.export.exporter import validate_package_against_source

            result = validate_package_against_source(package, atol if atol is not None else 1e-4)
            if not result.passed:
                _fail(f"max abs difference {result.max_abs_diff:.3g} exceeds atol {result.atol:g}")
            stdout.print(
                f"[green]✓[/green] {package} matches PyTorch: max abs diff "
                f"{result.max_abs_diff:.2e} (atol {result.atol:g})"
            )
    except typer.Exit:
        raise  # _fail() above already reported (typer.Exit is a RuntimeError)
    except (ModelExportError, ValueError, RuntimeError) as error:
        _fail(str(error))


def _interrupt(signum: int, frame: object) -> None:
    # SIGINT and SIGTERM become KeyboardInterrupt so the export's cleanup removes partial output.
    # The flag survives code that swallows or wraps the exception (an exporter fallback, an
    # import turning it into ImportError "initialization failed"): the export still stops.
    INTERRUPTED.set()
    code = getattr(frame, "f_code", None)
    if code is not None and code.co_filename.startswith("<frozen importlib"):
        # Inside the import system's callbacks an exception is printed as "Exception ignored"
        # with a traceback, then dropped: the flag alone stops the export there.
        return
    raise KeyboardInterrupt


def main() -> None:
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    app()


if __name__ == "__main__":
    main()
