"""structlog: events with bound context, JSON when not on a terminal, secrets redacted, on stderr."""

from __future__ import annotations

import logging
import sys
from typing import TextIO

import structlog

from connectors.factory import redact_event


def configure_logging(fmt: str = "auto", level: str = "INFO", stream: TextIO | None = None) -> None:
    """Configure structlog once for this process (called by the composition root only)."""
    out = stream or sys.stderr
    use_json = fmt == "json" or (fmt == "auto" and not out.isatty())
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer() if use_json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            redact_event,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
        logger_factory=structlog.PrintLoggerFactory(out),
        cache_logger_on_first_use=False,
    )
    _route_stdlib_logging()


class _ToStructlog(logging.Handler):
    """Libraries' standard-library log records (Procrastinate, psycopg's pool) as structlog
    events: one line each, in the configured format, an exception as its kind and first line
    rather than a traceback."""

    def emit(self, record: logging.LogRecord) -> None:
        fields: dict[str, object] = {"logger": record.name}
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            fields["error_kind"] = type(error).__name__
            fields["error"] = (str(error).splitlines() or [""])[0][:300]
        structlog.get_logger().log(record.levelno, record.getMessage(), **fields)


def _route_stdlib_logging() -> None:
    root = logging.getLogger()
    root.handlers = [handler for handler in root.handlers if not isinstance(handler, _ToStructlog)]
    root.addHandler(_ToStructlog())
    root.setLevel(logging.WARNING)
    logging.getLogger("psycopg.pool").setLevel(logging.ERROR)  # reconnects are retried, not news
