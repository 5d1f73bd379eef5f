"""The one error type the CLI turns into a one-line message and exit code 1."""


class ModelExportError(Exception):
    """An expected failure (bad input, unsupported model, failed validation) with its context."""
