"""Resolving MODEL (a local folder or a Hub id) to a folder on disk and its provenance.

This machine class has no Hub access, so a Hub id resolves only from the local Hugging Face
cache; the snapshot's folder name is the commit sha recorded as the revision."""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path

from modelexport.errors import ModelExportError

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*(/[\w.-]+)?$")


@dataclass(frozen=True)
class ModelSource:
    path: Path
    kind: str  # "hub" or "local"
    hub_id: str = ""
    revision: str = ""

    def load_config(self) -> dict:
        config_path = self.path / "config.json"
        if not config_path.is_file():
            raise ModelExportError(f"{self.path}: no config.json (not a Hugging Face model folder)")
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise ModelExportError(f"{config_path}: malformed JSON ({error})") from None
        if not isinstance(config, dict):
            raise ModelExportError(f"{config_path}: must hold a JSON object")
        return config


def resolve_model(model: str | os.PathLike[str], revision: str | None = None) -> ModelSource:
    """A local folder (a path-like is always local) or a Hub id found in the local cache."""
    if not isinstance(model, str):
        local = Path(model).expanduser()
        if not local.is_dir():
            raise ModelExportError(f"model not found: {model} (no such folder)")
        return ModelSource(path=local.resolve(), kind="local")
    local = Path(model).expanduser()
    if local.exists():
        if not local.is_dir():
            raise ModelExportError(f"{model}: not a model folder (expected a directory)")
        return ModelSource(path=local.resolve(), kind="local")
    if model.startswith((".", "/", "~")) or not _HUB_ID.match(model):
        raise ModelExportError(f"model not found: {model} (no such folder)")
    return _resolve_from_hub_cache(model, revision)


def _resolve_from_hub_cache(hub_id: str, revision: str | None) -> ModelSource:
    from huggingface_hub import constants, snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        snapshot = Path(
            snapshot_download(hub_id, revision=revision, local_files_only=True)  # type: ignore[arg-type]
        )
    except (LocalEntryNotFoundError, FileNotFoundError, ValueError):
        raise ModelExportError(
            f"model not found: '{hub_id}' is neither a local folder nor in the Hugging Face cache "
            f"({constants.HF_HUB_CACHE}); this machine has no Hub access, so download it "
            "elsewhere or pass a local folder"
        ) from None
    return ModelSource(path=snapshot, kind="hub", hub_id=hub_id, revision=snapshot.name)
