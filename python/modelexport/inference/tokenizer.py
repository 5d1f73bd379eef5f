"""modelexport.Tokenizer: the native C++ tokenizer with the names of Hugging Face `tokenizers`
(`from_file`, `encode`, `encode_batch`, `decode`), plus `from_pretrained(package_dir)`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from modelexport import _native


class Tokenizer:
    def __init__(self, native: Any) -> None:
        self._native = native

    @classmethod
    def from_file(cls, path: str | Path) -> Tokenizer:
        return cls(_native.Tokenizer.from_file(str(path)))

    @classmethod
    def from_str(cls, json: str) -> Tokenizer:
        return cls(_native.Tokenizer.from_str(json))

    @classmethod
    def from_pretrained(cls, package_dir: str | Path) -> Tokenizer:
        """The tokenizer.json of an exported package (a folder, its model.onnx or a single-file
        package), or of any folder holding one."""
        path = Path(package_dir)
        if path.suffix == ".onnx":
            from modelexport.package_files import read_file

            return cls.from_str(read_file(path, "tokenizer.json").decode("utf-8"))
        return cls.from_file(path if path.suffix == ".json" else path / "tokenizer.json")

    def encode(
        self, sequence: str, pair: str | None = None, add_special_tokens: bool = True
    ) -> Any:
        return self._native.encode(sequence, pair, add_special_tokens)

    def encode_batch(
        self, inputs: list[str] | list[tuple[str, str]], add_special_tokens: bool = True
    ) -> list[Any]:
        if inputs and not isinstance(inputs[0], str):
            return self._native.encode_batch_pairs([tuple(p) for p in inputs], add_special_tokens)
        return self._native.encode_batch(list(inputs), add_special_tokens)

    def decode(self, ids: list[int], skip_special_tokens: bool = True) -> str:
        return self._native.decode(list(ids), skip_special_tokens)

    def token_to_id(self, token: str) -> int | None:
        return self._native.token_to_id(token)

    def id_to_token(self, id: int) -> str | None:
        return self._native.id_to_token(id)

    def get_vocab_size(self, with_added_tokens: bool = True) -> int:
        return self._native.get_vocab_size(with_added_tokens)

    def enable_truncation(
        self,
        max_length: int,
        stride: int = 0,
        strategy: str = "longest_first",
        direction: str = "right",
    ) -> None:
        """Like tokenizers: parts cut off come back in each encoding's `overflowing`."""
        self._native.enable_truncation(max_length, stride, strategy, direction)

    def no_truncation(self) -> None:
        self._native.no_truncation()

    def enable_padding(
        self,
        length: int | None = None,
        pad_id: int = 0,
        pad_type_id: int = 0,
        pad_token: str = "[PAD]",
        pad_to_multiple_of: int | None = None,
    ) -> None:
        self._native.enable_padding(length, pad_id, pad_type_id, pad_token, pad_to_multiple_of)

    def no_padding(self) -> None:
        self._native.no_padding()
