"""The resource pool page (资源池): a city leader stocks pumps, a street asks for two, the city sees
the request with its coverage; refusals (not a leader, a bad quantity) change nothing."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

from tests.factories.accounts import csrf_of, signed_in


def test_stock_then_a_request_shows_its_coverage(server: str) -> None:
    item = f"排水泵{uuid.uuid4().hex[:4]}"
    city = signed_in(server, "wuxi_leader")
    page = city.get("/work/pool")
    assert page.status_code == 200 and 'id="stock-form"' in page.text
    answer = city.post("/work/pool", data={"item": item, "unit": "台", "quantity": "5",
                                           "csrf": csrf_of(page.text)})
    assert answer.status_code == 200 and f"{item} 现有 5 台" in answer.text
    assert re.search(rf'data-item="{item}"><td>{item}</td><td class="num">5</td>', answer.text)

    bad = city.post("/work/pool", data={"item": item, "unit": "台", "quantity": "五",
                                        "csrf": csrf_of(answer.text)})
    assert bad.status_code == 422 and 'id="pool-error"' in bad.text
    assert re.search(rf'data-item="{item}"><td>{item}</td><td class="num">5</td>', bad.text)  # unchanged

    street = signed_in(server, "chongansi_street")
    form = street.get("/work/instruments/new")
    # the items field is labelled in words, not with a Python representation (issue 23)
    assert "built-in method" not in form.text and '<label for="items">' in form.text
    assert re.search(r'<label for="items">[^<]*物资', form.text), form.text[:200]
    due = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    issued = street.post("/work/instruments", data={
        "kind": "resource", "title": f"申请{item}", "scope": "320213001", "addressees": "320200-gov",
        "items": f"{item}:2", "due": due, "csrf": csrf_of(form.text)}, follow_redirects=False)
    assert issued.status_code == 303, issued.text[:500]
    iid = issued.headers["location"].split("/")[-1].split("?")[0]

    asks = city.get("/work/pool").text
    row = re.search(rf'<tr data-id="{iid}">(.*?)</tr>', asks, re.S)
    assert row and f"{item} × 2 (5)" in row.group(1) and "库存足够" in row.group(1)
    mine = street.get("/work/pool?lang=en").text
    assert f'data-id="{iid}"' in mine and "Resource requests made by this department" in mine

    centre = signed_in(server, "centre")  # a dispatcher keeps no stock
    page = centre.get("/work/pool")
    assert 'id="stock-form"' not in page.text
    refused = centre.post("/work/pool", data={"item": item, "unit": "台", "quantity": "9",
                                              "csrf": csrf_of(page.text)})
    assert refused.status_code == 422 and 'id="pool-error"' in refused.text
    again = city.get("/work/pool").text
    assert re.search(rf'data-item="{item}"><td>{item}</td><td class="num">5</td>', again)
