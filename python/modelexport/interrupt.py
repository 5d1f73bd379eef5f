"""The user's interrupt, as a flag that survives code which swallows or wraps KeyboardInterrupt
(an exporter's fallback, an import turning it into ImportError). The command line's SIGINT and
SIGTERM handlers set it; long operations check it before committing their result."""

from __future__ import annotations

import threading

INTERRUPTED = threading.Event()
