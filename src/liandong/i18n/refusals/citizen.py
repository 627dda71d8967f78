"""Refusals of the portal's map, "already reported?" and "me too" (地图报事、已有人反映、附议)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "nearby.bad_radius": {
        "zh": "查找范围“{value}”米无效，可选：{allowed} 米",
        "en": "A radius of {value} m is not valid; allowed: {allowed} m",
    },
    "place.disagree": {
        "zh": "地图上的位置在{county}，但地址写的“{named}”属于{named_county}。请移动地图上的图钉，或修改地址，使两者一致",
        "en": "The pin on the map is in {county}, but the address names {named} in {named_county}. Move the "
              "pin or change the address so that they agree",
    },
    "place.no_point": {
        "zh": "请在地图上标出位置（或使用我的位置），或写明区县和街道（乡镇）",
        "en": "Mark the place on the map (or use your location), or name the district and the subdistrict "
              "or town",
    },
    "case.not_supportable": {
        "zh": "这件诉求已经办结或归档，不能再附议；如问题仍然存在，请提交新的诉求",
        "en": "This report is already resolved or closed and takes no more \"me too\"; if the problem "
              "persists, please submit a new report",
    },
}
