"""Which photos belong to which case, in table ``case_photo`` (migration 0017)."""

from __future__ import annotations

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from liandong.adapters.sql.tables import case_photo
from liandong.services.ports.photos import CasePhoto, PhotoLinks


class SqlPhotoLinks(PhotoLinks):
    """Each call in a transaction of its own: a photo is linked after its report has landed."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def link(self, photo: CasePhoto) -> None:
        row = {"case_id": photo.case_id, "photo_key": photo.photo, "thumbnail_key": photo.thumbnail,
               "width": photo.width, "height": photo.height, "added_at": photo.added_at}
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(case_photo).values(**row))
        except IntegrityError:  # linked already (the same photo sent twice); an unknown case raises
            if not any(p.photo == photo.photo for p in self.of_case(photo.case_id)):
                raise

    def of_cases(self, case_ids: list[str]) -> dict[str, list[CasePhoto]]:
        if not case_ids:
            return {}
        query = (select(case_photo).where(case_photo.c.case_id.in_(case_ids))
                 .order_by(case_photo.c.case_id, case_photo.c.added_at, case_photo.c.photo_key))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        found: dict[str, list[CasePhoto]] = {}
        for r in rows:
            found.setdefault(r.case_id, []).append(CasePhoto(
                case_id=r.case_id, photo=r.photo_key, thumbnail=r.thumbnail_key, width=r.width,
                height=r.height, added_at=r.added_at))
        return found

    def of_case(self, case_id: str) -> list[CasePhoto]:
        query = (select(case_photo).where(case_photo.c.case_id == case_id)
                 .order_by(case_photo.c.added_at, case_photo.c.photo_key))
        with self.engine.connect() as connection:
            rows = connection.execute(query).all()
        return [CasePhoto(case_id=r.case_id, photo=r.photo_key, thumbnail=r.thumbnail_key, width=r.width,
                          height=r.height, added_at=r.added_at) for r in rows]
