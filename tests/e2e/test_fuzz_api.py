"""The OpenAPI schema fuzzed with schemathesis: no 5xx, and every 4xx in the documented error
shape ``{code, message, details}`` (Open311's own ``[{code, description}]`` on /open311)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from liandong.bootstrap import bootstrap
from liandong.config import Settings
from liandong.server.app import create_app
from liandong.services import organisation as org_service


def api_schema() -> Any:
    """A platform on a fresh SQLite file with 梁溪区's departments, and its app's schema."""
    folder = Path(tempfile.mkdtemp())
    platform = bootstrap(Settings(data_dir=folder))
    from liandong.adapters.reference_data import catalogue_documents
    from liandong.domain.catalogue import parse_scope

    org_service.initialise(scope=parse_scope("320213", platform.hierarchy), hierarchy=platform.hierarchy,
                           catalogue=platform.catalogue, documents=catalogue_documents(), uow=platform.uow())
    # schemathesis calls the app as host "testserver": a host this server is configured for
    app = create_app(Settings(data_dir=folder, allowed_hosts="testserver"), platform=platform)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


schema = api_schema()


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_errors_and_documented_refusals(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
    if 400 <= response.status_code < 500:
        content_type = " ".join(response.headers.get("content-type", []))
        if "xml" in content_type:
            assert "<errors><error><code>" in response.text
            return
        assert "json" in content_type, (case.path, response.status_code, response.text[:200])
        body = response.json()
        if case.path.startswith("/open311"):
            assert isinstance(body, list) and {"code", "description"} <= set(body[0])
        else:
            assert {"code", "message", "details"} <= set(body), body
