"""The ledger alarm kept in a file beside the store, so that every worker of a server shows what the
one worker that audits found (``LedgerWatch``'s ``shared``; decision 0060)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from liandong.services.state_audit import Finding

ALARM_FILE = "ledger-alarm.json"


class FileAlarm:
    """The auditor's first finding, in a file replaced atomically; removed by a round that finds the
    whole log sound."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None  # (mtime, size) of the file last read
        self._found: Finding | None = None

    def raised(self, finding: Finding) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        body = {"key": finding.key, "params": finding.params, "index": finding.index}
        temporary.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)

    def cleared(self) -> None:
        self.path.unlink(missing_ok=True)

    def current(self) -> Finding | None:
        """The finding in the file (read again only when the file changed: every page asks)."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._seen, self._found = None, None
            return None
        seen = (stat.st_mtime_ns, stat.st_size)
        if seen != self._seen:
            try:
                body = json.loads(self.path.read_text(encoding="utf-8"))
                index = body.get("index")
                self._found = Finding(str(body["key"]), {str(k): str(v) for k, v in body["params"].items()},
                                      int(index) if index is not None else None)
            except (FileNotFoundError, ValueError, KeyError, TypeError, AttributeError):
                self._found = Finding("alarm_unreadable", {"path": str(self.path)})
            self._seen = seen
        return self._found
