"""Photos kept with their case (decision 0026): files under the data directory by content, the link
in table ``case_photo`` (SQLite and PostgreSQL), shown on the handler's case page to whoever may see
the case and to nobody else."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from liandong.adapters.blob_files import FileBlobStore
from liandong.bootstrap import Platform, bootstrap
from liandong.config import Settings
from liandong.domain.access import Principal, StaffRole
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.services.ports.photos import content_key
from tests.factories.deployments import app_client, deployed, signed_in
from tests.factories.photos import jpeg

LEAD = "320213001-urban_management"  # a township of 梁溪区, where the case is led
OTHER = "320205-urban_management"  # 锡山区: may not see a case of 梁溪区
PEOPLE = {"lead": (LEAD, ["handler"]), "other": (OTHER, ["handler"])}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> Settings:
    if request.param == "sqlite":
        return Settings(data_dir=tmp_path)
    return Settings(data_dir=tmp_path, database_url=request.getfixturevalue("pg_url"))


def reported(platform: Platform) -> str:
    bus = platform.bus()
    case_id = bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=("320213001",),
                                      description="垃圾桶满溢")).case_id
    bus.handle(c.DispatchCase(by="320200-gov", case_id=case_id))
    return case_id


def test_a_photo_is_kept_by_content_and_read_back_by_those_who_may_see_the_case(settings: Settings) -> None:
    platform = deployed(settings, ("320200",), PEOPLE)
    case_id = reported(platform)
    photos = platform.photos()
    cleaned = photos.clean(jpeg(gps=True))
    linked = photos.attach(case_id=case_id, photo=cleaned)
    assert photos.attach(case_id=case_id, photo=cleaned).photo == linked.photo  # the same photo: kept once
    assert linked.photo == content_key(cleaned.image) and linked.thumbnail == content_key(cleaned.thumbnail)
    on_disk = settings.data_dir / "photos" / linked.photo[:2] / linked.photo[2:]
    assert on_disk.read_bytes() == cleaned.image

    again = bootstrap(settings)  # another process on the same store
    lead = Principal("l", "lead", frozenset({StaffRole.HANDLER}), LEAD)
    [found] = again.photos().of_case(lead, case_id)
    assert (found.photo, found.thumbnail) == (linked.photo, linked.thumbnail)
    assert (found.width, found.height) == (640, 480)
    assert again.photos().image(lead, case_id, found.thumbnail) == cleaned.thumbnail
    other = Principal("o", "other", frozenset({StaffRole.HANDLER}), OTHER)
    for read in (lambda: again.photos().of_case(other, case_id),
                 lambda: again.photos().image(other, case_id, found.photo)):
        with pytest.raises(DomainError) as refused:
            read()
        assert refused.value.code == "case.unknown"
    with pytest.raises(DomainError) as unknown:  # a blob of the store, not one of this case's photos
        again.photos().image(lead, case_id, FileBlobStore(settings.data_dir / "photos").put(b"other"))
    assert unknown.value.code == "photo.unknown"


def test_the_case_page_shows_the_thumbnail_to_the_lead_only(settings: Settings) -> None:
    platform = deployed(settings, ("320200",), PEOPLE)
    case_id = reported(platform)
    linked = platform.photos().attach(case_id=case_id, photo=platform.photos().clean(jpeg(800, 600)))
    client = app_client(settings, platform)
    tokens = {name: h["Authorization"].removeprefix("Bearer ")
              for name, h in signed_in(client, PEOPLE).items()}
    thumbnail = f"/work/cases/{case_id}/photos/{linked.thumbnail}"
    assert client.get(thumbnail).status_code == 404  # nobody signed in
    client.cookies.set("ld_session", tokens["lead"])
    page = client.get(f"/work/cases/{case_id}")
    assert page.status_code == 200 and 'id="case-photos"' in page.text and f'src="{thumbnail}"' in page.text
    answer = client.get(thumbnail)
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/jpeg"
    assert Image.open(io.BytesIO(answer.content)).size == (320, 240)
    assert "private" in answer.headers["cache-control"]
    assert client.get(f"/work/cases/{case_id}/photos/{'0' * 64}").status_code == 404
    client.cookies.set("ld_session", tokens["other"])
    assert client.get(thumbnail).status_code == 404
    assert client.get(f"/work/cases/{case_id}/photos/{linked.photo}").status_code == 404
