"""Every error case of `modelexport export` ends with a one-line message naming what and where,
exit code 1, and no output folder (nor any partial one) left behind."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import textwrap
import time
from pathlib import Path

import pytest

from conftest import MODELEXPORT
from fixture_catalog import fixture_path


def assert_clean_failure(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = [line for line in result.stderr.strip().splitlines() if line.startswith("error:")]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.stderr


def assert_nothing_written(out_dir: Path) -> None:
    assert not out_dir.exists()
    leftovers = list(out_dir.parent.glob(f".{out_dir.name}.*"))
    assert not leftovers, leftovers


@pytest.fixture
def tiny_bert(tmp_path: Path) -> Path:
    """A writable copy of a fixture model folder, to break in various ways."""
    copy = tmp_path / "tiny-bert"
    shutil.copytree(fixture_path("bert-text-classification"), copy)
    return copy


def test_model_not_found(cli, tmp_path):
    out = tmp_path / "out"
    result = cli("export", str(tmp_path / "no-such-model"), str(out))
    assert_clean_failure(result, "model not found", "no-such-model")
    assert_nothing_written(out)


def test_hub_id_not_in_cache_says_there_is_no_hub_access(cli, tmp_path):
    out = tmp_path / "out"
    result = cli(
        "export", "some-org/not-cached", str(out), env={"HF_HUB_CACHE": str(tmp_path / "hub")}
    )
    assert_clean_failure(result, "'some-org/not-cached'", "Hugging Face cache", "no Hub access")
    assert_nothing_written(out)


def test_hub_id_resolves_from_local_cache_and_records_revision(cli, tmp_path):
    """A real Hugging Face cache layout (refs + snapshots), as huggingface_hub writes it."""
    revision = "0123456789abcdef0123456789abcdef01234567"
    repo = tmp_path / "hub" / "models--test-org--tiny-bert"
    shutil.copytree(fixture_path("bert-text-classification"), repo / "snapshots" / revision)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(revision)
    out = tmp_path / "out"
    env = {"HF_HUB_CACHE": str(tmp_path / "hub"), "HF_HUB_OFFLINE": "1"}
    result = cli("export", "test-org/tiny-bert", str(out), "--no-validate", env=env)
    assert result.returncode == 0, result.stderr
    info = json.loads(cli("inspect", str(out), "--json").stdout)
    assert info["metadata"]["hf_model_source"] == "hub"
    assert info["metadata"]["hf_hub_id"] == "test-org/tiny-bert"
    assert info["metadata"]["hf_hub_revision"] == revision
    assert "hf_original_path" not in info["metadata"]


def test_folder_without_config_json(cli, tiny_bert, tmp_path):
    (tiny_bert / "config.json").unlink()
    out = tmp_path / "out"
    assert_clean_failure(cli("export", str(tiny_bert), str(out)), "no config.json", str(tiny_bert))
    assert_nothing_written(out)


def test_malformed_config_json(cli, tiny_bert, tmp_path):
    (tiny_bert / "config.json").write_text('{"architectures": [')
    out = tmp_path / "out"
    assert_clean_failure(cli("export", str(tiny_bert), str(out)), "config.json", "malformed JSON")
    assert_nothing_written(out)


def test_unsupported_architecture_lists_supported_tasks(cli, tiny_bert, tmp_path):
    config = json.loads((tiny_bert / "config.json").read_text())
    config["architectures"] = ["BertForNextSentencePrediction"]
    (tiny_bert / "config.json").write_text(json.dumps(config))
    out = tmp_path / "out"
    result = cli("export", str(tiny_bert), str(out))
    assert_clean_failure(
        result,
        "unsupported architecture 'BertForNextSentencePrediction'",
        "fill-mask",
        "question-answering",
        "--task",
    )
    assert_nothing_written(out)


def test_unknown_task(cli, tiny_bert, tmp_path):
    out = tmp_path / "out"
    result = cli("export", str(tiny_bert), str(out), "--task", "text-generation")
    assert_clean_failure(result, "unsupported task 'text-generation'", "feature-extraction")
    assert_nothing_written(out)


def test_task_the_architecture_has_no_head_for(cli, tmp_path):
    out = tmp_path / "out"
    result = cli(
        "export", str(fixture_path("gpt2-text-classification")), str(out), "--task", "fill-mask"
    )
    assert_clean_failure(result, "unsupported architecture for task 'fill-mask'", "GPT2Config")
    assert_nothing_written(out)


def test_operator_that_fails_to_export_is_named(cli, tiny_bert, tmp_path):
    """A real custom-code model (trust_remote_code) whose forward uses torch.linalg.svd, which
    neither exporter can convert to ONNX."""
    (tiny_bert / "modeling_svd.py").write_text(
        textwrap.dedent("""
        import torch
        from transformers import BertConfig, BertModel
        from transformers.modeling_outputs import BaseModelOutput

        class SvdConfig(BertConfig):
            model_type = "svd-bert"

        class SvdModel(BertModel):
            config_class = SvdConfig

            def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, **kwargs):
                hidden = self.embeddings(input_ids=input_ids, token_type_ids=token_type_ids)
                singular_values = torch.linalg.svd(hidden).S
                return BaseModelOutput(last_hidden_state=hidden * singular_values.sum())
    """)
    )
    config = json.loads((tiny_bert / "config.json").read_text())
    config.update(
        model_type="svd-bert",
        architectures=["SvdModel"],
        auto_map={"AutoConfig": "modeling_svd.SvdConfig", "AutoModel": "modeling_svd.SvdModel"},
    )
    (tiny_bert / "config.json").write_text(json.dumps(config))
    out = tmp_path / "out"
    result = cli("export", str(tiny_bert), str(out), "--trust-remote-code")
    assert_clean_failure(result, "operator aten::linalg_svd cannot be exported to ONNX")
    assert_nothing_written(out)


def test_unwritable_output_directory(cli, tiny_bert, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    out = blocker / "out"
    result = cli("export", str(tiny_bert), str(out))
    assert_clean_failure(result, "cannot write output directory", str(out))
    assert blocker.read_text() == "not a directory"


def test_output_path_that_is_a_file(cli, tiny_bert, tmp_path):
    out = tmp_path / "model.onnx"
    out.write_text("existing")
    assert_clean_failure(cli("export", str(tiny_bert), str(out)), "exists and is not a directory")
    assert out.read_text() == "existing"


def test_non_empty_output_directory_needs_force(cli, tiny_bert, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = cli("export", str(tiny_bert), str(out))
    assert_clean_failure(result, "not empty", "--force")
    assert (out / "keep.txt").read_text() == "mine"

    forced = cli("export", str(tiny_bert), str(out), "--force")
    assert forced.returncode == 0, forced.stderr
    assert not (out / "keep.txt").exists()
    assert (out / "model.onnx").is_file()
    assert not list(tmp_path.glob(".out.*"))


def test_failed_validation_leaves_nothing(cli, tiny_bert, tmp_path):
    out = tmp_path / "out"
    result = cli("export", str(tiny_bert), str(out), "--atol", "1e-20")
    assert_clean_failure(result, "validation failed", "exceeds --atol 1e-20")
    assert_nothing_written(out)


def staging_started(tmp_path: Path) -> bool:
    return bool(list(tmp_path.glob(".out.partial-*")))


def staging_holds_files(tmp_path: Path) -> bool:
    return any(any(p.iterdir()) for p in tmp_path.glob(".out.partial-*"))


@pytest.mark.parametrize("moment", [staging_started, staging_holds_files])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_interrupted_export_leaves_nothing(tmp_path, signum, moment):
    out = tmp_path / "out"
    process = subprocess.Popen(
        [str(MODELEXPORT), "export", str(fixture_path("minilm")), str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    # Interrupt once the export has reached `moment` in its temporary folder.
    while not moment(tmp_path) and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    os.kill(process.pid, signum)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr
    assert "Traceback" not in stderr
    assert_nothing_written(out)


def test_no_config_warns_and_optimum_check_explains(cli, tiny_bert, tmp_path):
    out = tmp_path / "out"
    result = cli("export", str(tiny_bert), str(out), "--no-config")
    assert result.returncode == 0, result.stderr
    assert "Optimum will not load this package" in result.stderr
    assert not (out / "config.json").exists()
    assert_clean_failure(cli("validate", str(out), "--optimum"), "no config.json", str(out))


def test_inspect_missing_and_corrupt_packages(cli, tmp_path):
    assert_clean_failure(cli("inspect", str(tmp_path / "absent")), "no such package", "absent")
    (tmp_path / "model.onnx").write_bytes(b"\x00garbage\xff" * 10)
    assert_clean_failure(cli("inspect", str(tmp_path)), "not a valid ONNX model", "model.onnx")


def test_opset_option_and_summary(cli, tiny_bert, tmp_path):
    out = tmp_path / "out"
    result = cli("export", str(tiny_bert), str(out), "--opset", "18")
    assert result.returncode == 0, result.stderr
    info = json.loads(cli("inspect", str(out), "--json").stdout)
    assert info["opsets"]["ai.onnx"] == 18
    assert info["metadata"]["hf_export_config"]["opset"] == 18
    for fragment in ("model.onnx", "config.json", "tokenizer.json", "validation: passed", "logits"):
        assert fragment in result.stdout
    for step in ("Resolving model", "Exporting to ONNX", "Validating against PyTorch"):
        assert step in result.stderr
