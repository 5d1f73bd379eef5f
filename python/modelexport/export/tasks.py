"""Pipeline tasks the exporter supports: detection from config.json and what each task needs."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from modelexport.errors import ModelExportError


@dataclass(frozen=True)
class TaskSpec:
    """How a task is exported: the Auto class that loads the head, the ONNX output names
    (Optimum's names, so ORTModelFor* finds them) and Optimum's class. Read from the task
    registry of the C++ core (modelexport/task.h), never spelled here."""

    name: str
    auto_class: str
    output_names: tuple[str, ...]
    ort_model_class: str
    uses_text_pairs: bool = False
    modality: str = "text"  # "text", "image", "audio": which inputs module builds its inputs


def _registry() -> dict[str, TaskSpec]:
    from modelexport import _native

    return {
        task["name"]: TaskSpec(
            name=task["name"],
            auto_class=task["auto_model_class"],
            output_names=tuple(task["outputs"]),
            ort_model_class=task["ort_model_class"],
            uses_text_pairs=task["text_pairs"],
            modality=task["modality"],
        )
        for task in _native.task_registry()
    }


TASKS: dict[str, TaskSpec] = _registry()


def supported_tasks_text() -> str:
    return ", ".join(TASKS)


def task_spec(task: str) -> TaskSpec:
    try:
        return TASKS[task]
    except KeyError:
        raise ModelExportError(
            f"unsupported task '{task}'; supported tasks: {supported_tasks_text()}"
        ) from None


def is_sentence_transformers_folder(model_dir: Path) -> bool:
    return (model_dir / "modules.json").is_file()


def detect_task(config: dict, model_dir: Path) -> str:
    """The pipeline task for a model folder: the C++ core decides, as the runtime does."""
    from modelexport import _native

    try:
        return _native.detect_task(
            json.dumps(config),
            is_sentence_transformers_folder(model_dir),
            str(model_dir / "config.json"),
            _native.folder_modality(str(model_dir)),
        )
    except ValueError as error:
        raise ModelExportError(str(error)) from None
