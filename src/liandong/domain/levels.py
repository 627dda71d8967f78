"""The five administrative levels, and the kinds of jurisdictions (省, 自治州, 街道 …) and their
usual short names read from the suffixes of their official names."""

from __future__ import annotations

from enum import IntEnum, StrEnum

from liandong.domain.errors import DomainError

MUNICIPALITIES = frozenset({"110000", "120000", "310000", "500000"})


class Level(IntEnum):
    """Administrative level; a smaller value is a higher level."""

    CENTRAL = 0
    PROVINCE = 1
    CITY = 2
    COUNTY = 3
    TOWNSHIP = 4

    @property
    def key(self) -> str:
        return _LEVEL_KEYS[self]

    @classmethod
    def parse(cls, text: str) -> Level:
        """Read a level from its key (``county``) or number (``3``)."""
        key = text.strip().lower()
        for level in cls:
            if key in (level.key, str(level.value)):
                return level
        raise DomainError(
            "level.unknown", value=text, allowed=", ".join(lv.key for lv in cls)
        )


_LEVEL_KEYS = {level: level.name.lower() for level in Level}


class Kind(StrEnum):
    """The kind of a unit, read from the suffix of its official name."""

    COUNTRY = "country"
    PROVINCE = "province"  # 省
    AUTONOMOUS_REGION = "autonomous_region"  # 自治区
    MUNICIPALITY = "municipality"  # 直辖市
    SAR = "sar"  # 特别行政区
    PREFECTURE_CITY = "prefecture_city"  # 地级市
    AUTONOMOUS_PREFECTURE = "autonomous_prefecture"  # 自治州
    PREFECTURE = "prefecture"  # 地区
    LEAGUE = "league"  # 盟
    DISTRICT = "district"  # 市辖区
    COUNTY = "county"  # 县
    AUTONOMOUS_COUNTY = "autonomous_county"  # 自治县
    COUNTY_CITY = "county_city"  # 县级市
    BANNER = "banner"  # 旗
    AUTONOMOUS_BANNER = "autonomous_banner"  # 自治旗
    FORESTRY_DISTRICT = "forestry_district"  # 林区
    SPECIAL_DISTRICT = "special_district"  # 特区
    SUBDISTRICT = "subdistrict"  # 街道
    TOWN = "town"  # 镇
    TOWNSHIP = "township"  # 乡
    ETHNIC_TOWNSHIP = "ethnic_township"  # 民族乡
    SUMU = "sumu"  # 苏木
    ETHNIC_SUMU = "ethnic_sumu"  # 民族苏木
    DISTRICT_OFFICE = "district_office"  # 区公所
    OTHER = "other"


# Suffix rules per level, longest suffix first; the first match decides.
_SUFFIXES: dict[Level, tuple[tuple[str, Kind], ...]] = {
    Level.PROVINCE: (
        ("特别行政区", Kind.SAR),
        ("自治区", Kind.AUTONOMOUS_REGION),
        ("省", Kind.PROVINCE),
    ),
    Level.CITY: (
        ("自治州", Kind.AUTONOMOUS_PREFECTURE),
        ("地区", Kind.PREFECTURE),
        ("盟", Kind.LEAGUE),
        ("市", Kind.PREFECTURE_CITY),
    ),
    Level.COUNTY: (
        ("自治县", Kind.AUTONOMOUS_COUNTY),
        ("自治旗", Kind.AUTONOMOUS_BANNER),
        ("林区", Kind.FORESTRY_DISTRICT),
        ("特区", Kind.SPECIAL_DISTRICT),
        ("区", Kind.DISTRICT),
        ("县", Kind.COUNTY),
        ("市", Kind.COUNTY_CITY),
        ("旗", Kind.BANNER),
    ),
    Level.TOWNSHIP: (
        ("街道办事处", Kind.SUBDISTRICT),
        ("街道", Kind.SUBDISTRICT),
        ("民族苏木", Kind.ETHNIC_SUMU),
        ("苏木", Kind.SUMU),
        ("族乡", Kind.ETHNIC_TOWNSHIP),
        ("镇", Kind.TOWN),
        ("乡", Kind.TOWNSHIP),
        ("区公所", Kind.DISTRICT_OFFICE),
    ),
}

# Suffixes dropped to form the usual short name (无锡市 → 无锡, 梁溪区 → 梁溪).
_SHORT_SUFFIXES = (
    "特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "街道办事处", "街道",
    "自治州", "自治县", "自治旗", "民族苏木", "苏木", "民族乡", "区公所", "林区", "特区",
    "地区", "省", "市", "区", "县", "旗", "盟", "镇", "乡",
)


def kind_of(name: str, level: Level, code: str = "") -> Kind:
    """The kind of a unit from its official name (and code, for the municipalities)."""
    if level is Level.CENTRAL:
        return Kind.COUNTRY
    if level is Level.PROVINCE and code in MUNICIPALITIES:
        return Kind.MUNICIPALITY
    for suffix, kind in _SUFFIXES[level]:
        if name.endswith(suffix):
            return kind
    return Kind.OTHER


def short_name(name: str) -> str:
    """The usual short name: the official name without its administrative suffix."""
    for suffix in _SHORT_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name
