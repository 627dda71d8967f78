"""The access log names every request; it must not carry a citizen's tracking code, the only key
to a case's public status and to its rating (``/api/track/{code}``, ``/portal/track?code=``)."""

from __future__ import annotations

import logging
import re
from typing import Any

_TRACK_PATH = re.compile(r"(/track/)[^/?#\s]+")
_CODE_QUERY = re.compile(r"([?&]code=)[^&#\s]*")


def redact(path: str) -> str:
    """``path`` with tracking codes replaced by ``***``."""
    return _CODE_QUERY.sub(r"\1***", _TRACK_PATH.sub(r"\1***", path))


class RedactTrackingCodes(logging.Filter):
    """Rewrites the path in uvicorn's access records (its args are client, method, path, …)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact(args[2]), *args[3:])
        return True


def uvicorn_log_config() -> dict[str, Any]:
    """uvicorn's own logging configuration with the redaction on its access logger."""
    from uvicorn.config import LOGGING_CONFIG

    config: dict[str, Any] = {**LOGGING_CONFIG, "filters": {
        "redact_tracking_codes": {"()": "liandong.http.log_redaction.RedactTrackingCodes"}}}
    config["handlers"] = {name: dict(handler) for name, handler in LOGGING_CONFIG["handlers"].items()}
    config["handlers"]["access"]["filters"] = ["redact_tracking_codes"]
    return config
