"""The latest cosigned checkpoint kept outside the database (decision 0028): a file in the data
directory beside ``secret.key``, replaced atomically (written to a temporary file, synced, renamed)
and only ever by a larger checkpoint. Whoever deletes the newest entries of the log together with
the checkpoints in the database still meets this copy at the next ``ledger verify``."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from liandong.services.ports.audit import CheckpointMirror

FILE_NAME = "checkpoint.cosigned"


def note_size(note: str) -> int:
    """The tree size of a checkpoint note (its second line), or -1 when it is not one."""
    lines = note.split("\n")
    try:
        return int(lines[1]) if len(lines) > 2 else -1
    except ValueError:
        return -1


class FileCheckpointMirror(CheckpointMirror):
    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> str | None:
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def keep(self, size: int, note: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = self.path.with_name(self.path.name + ".lock")
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # two server processes: the larger checkpoint wins
            current = self.read()
            if current is not None and note_size(current) >= size:
                return
            temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            with open(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w",
                      encoding="utf-8") as handle:
                handle.write(note)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
            directory = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
