"""The portal's map with a tile layer configured in the GCJ-02 datum, as most Chinese providers draw
theirs: the page allows images from the provider's origin and nothing else from outside, "use my
location" turns the phone's WGS-84 position into the map's datum (checked against fast-geocn's
conversion), and the server turns the pin back into WGS-84 to find its district.

The provider here is an address nobody answers (127.0.0.2, port 9): its tiles fail to load, which
is all this test needs of them."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fast_geocn import wgs84_to_gcj02

from tests.support.browser import Person
from tests.support.processes import free_port, serving

TILES = "http://127.0.0.2:9/tiles/{z}/{x}/{y}.png"
HERE = {"latitude": 31.578, "longitude": 120.300}  # 梁溪区, 无锡 (WGS-84)


@pytest.fixture(scope="module")
def tiled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own whose portal shows tiles in GCJ-02."""
    data = tmp_path_factory.mktemp("tiled")
    env = {**os.environ, "LIANDONG_DATA_DIR": str(data), "LIANDONG_PORTAL_TILES": TILES,
           "LIANDONG_PORTAL_TILES_CRS": "gcj02", "LIANDONG_PORTAL_TILES_ATTRIBUTION": "测试底图"}
    env.pop("LIANDONG_DATABASE_URL", None)
    cli = [sys.executable, "-m", "liandong.cli"]
    subprocess.run([*cli, "init", "--scope", "320200"], env=env, check=True, capture_output=True, timeout=300)
    subprocess.run([sys.executable, "-c", "from datetime import UTC, datetime; "  # the Open311 key
                    "from liandong.bootstrap import bootstrap; "
                    "from liandong.services.demo_accounts import ensure_demo_accounts; "
                    "ensure_demo_accounts(uow=bootstrap().uow(), now=datetime.now(UTC))"],
                   env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving([*cli, "serve", "--port", str(port)], url=f"{base}/healthz", env=env,
                 log=tmp_path_factory.mktemp("tiled-log") / "server.log"):
        yield base


def test_tiles_in_gcj02_allowed_by_the_page_and_the_pin_converted_both_ways(browser: Any, tiled: str) -> None:
    page_answer = httpx.get(f"{tiled}/portal")
    policy = page_answer.headers["content-security-policy"]
    assert "img-src 'self' http://127.0.0.2:9 " in policy and "script-src 'self';" in policy
    assert 'name="crs" value="gcj02"' in page_answer.text

    citizen = Person(browser, tiled, "zh", "citizen", phone=True, geolocation=HERE)
    page = citizen.go("/portal")
    # the provider's tiles are asked for (and fail: nobody answers there)
    page.wait_for_selector("#place-map .leaflet-tile-pane img", state="attached")
    assert "测试底图" in (page.text_content(".leaflet-control-attribution") or "")
    page.click("#use-location")
    page.locator("#pin-status", has_text="梁溪区").wait_for()
    gcj_lng, gcj_lat = wgs84_to_gcj02(HERE["longitude"], HERE["latitude"])
    lat, lng = float(page.input_value("#lat")), float(page.input_value("#lng"))
    assert abs(lat - gcj_lat) < 2e-6 and abs(lng - gcj_lng) < 2e-6, (lat, lng, gcj_lat, gcj_lng)
    assert abs(lat - HERE["latitude"]) > 1e-4  # the datum did move the point
    place = httpx.get(f"{tiled}/portal/place.json", params={"lat": lat, "lng": lng, "crs": "gcj02"}).json()
    back_lat, back_lng = (float(x) for x in place["point"].split(","))
    assert abs(back_lat - HERE["latitude"]) < 2e-5 and abs(back_lng - HERE["longitude"]) < 2e-5
    citizen.accessible()
    outside = [u for u in citizen.failed_requests if not u.startswith(tiled)]
    assert outside and all(u.startswith("http://127.0.0.2:9/tiles/") for u in outside)  # only the tiles
    citizen.failed_requests.clear()
    citizen.close()  # and the content security policy refused nothing


def test_the_public_map_shows_the_same_tiles(browser: Any, tiled: str) -> None:
    """The public feed's map (decision 0048) draws its points and boundaries in the tiles' datum,
    over the provider's tiles, which its page (and only it) allows."""
    posted = httpx.post(f"{tiled}/open311/v2/requests.json", data={
        "api_key": "demo-open311-key", "service_code": "garbage_collection", "lat": "31.5700",
        "long": "120.3000", "description": "垃圾桶满溢", "attribute[publish]": "true"})
    assert posted.status_code == 201, posted.text
    answer = httpx.get(f"{tiled}/public")
    assert "img-src 'self' http://127.0.0.2:9 " in answer.headers["content-security-policy"]
    assert 'data-crs="gcj02"' in answer.text
    citizen = Person(browser, tiled, "zh", "citizen", phone=True)
    page = citizen.go("/public")
    page.wait_for_selector("#public-map .leaflet-tile-pane img", state="attached")
    page.wait_for_selector("#public-map .public-dot")
    assert "测试底图" in (page.text_content("#public-map .leaflet-control-attribution") or "")
    citizen.accessible()
    citizen.fits()
    outside = [u for u in citizen.failed_requests if not u.startswith(tiled)]
    assert outside and all(u.startswith("http://127.0.0.2:9/tiles/") for u in outside)  # only the tiles
    citizen.failed_requests.clear()
    citizen.close()
