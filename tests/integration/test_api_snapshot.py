"""The HTTP API as clients know it: every path and method, its parameters and the names of its body's
fields, compared with a snapshot (``tests/data/api_snapshot.json``). Routes are derived from the
commands' declarations; a change here is a change for every client, made on purpose: regenerate the
snapshot with ``python -m tests.integration.test_api_snapshot`` and say why in the commit."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from liandong.bootstrap import bootstrap
from liandong.config import Settings
from liandong.server.app import create_app

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "api_snapshot.json"


def surface() -> dict[str, Any]:
    app = create_app(Settings(data_dir=Path(tempfile.mkdtemp())), platform=bootstrap(memory=True))
    spec = app.openapi()
    schemas = spec["components"]["schemas"]
    out: dict[str, Any] = {}
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            content = op.get("requestBody", {}).get("content", {})
            body: dict[str, Any] = {}
            for media, entry in sorted(content.items()):
                ref = entry.get("schema", {}).get("$ref", "")
                schema = schemas.get(ref.rsplit("/", 1)[-1], {}) if ref else entry.get("schema", {})
                body[media] = {"fields": sorted(schema.get("properties", {})),
                               "required": sorted(schema.get("required", []))}
            out[f"{method.upper()} {path}"] = {
                "parameters": sorted(f"{p['in']}:{p['name']}" for p in op.get("parameters", [])),
                "body": body}
    return out


def test_the_api_is_what_clients_were_promised() -> None:
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    found = surface()
    assert sorted(found) == sorted(expected), "paths added or removed"
    for route, shape in expected.items():
        assert found[route] == shape, route


if __name__ == "__main__":  # regenerate the snapshot (on purpose only)
    SNAPSHOT.write_text(json.dumps(surface(), ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                        encoding="utf-8")
    sys.exit(0)
