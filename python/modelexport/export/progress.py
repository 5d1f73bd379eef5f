"""Progress reporting for long exports: the API is silent by default, the CLI shows rich steps."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator


class TimingReporter:
    """Records how long each step took; subclasses also show the steps."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextlib.contextmanager
    def step(self, description: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[description] = round(time.perf_counter() - start, 3)

    def warn(self, message: str) -> None:
        import warnings

        warnings.warn(message, stacklevel=3)
