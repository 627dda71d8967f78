"""The words of the portal's map, suggestions and "already reported?" (地图报事、事项推荐、已有人反映),
in Chinese and English; ``FORM_TEXT`` is the report form's whole vocabulary."""

from __future__ import annotations

from liandong.i18n.web.portal import PORTAL_TEXT

MAP_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "map_title": "在地图上标出位置",
        "map_hint": "点击地图放下图钉（可拖动），或使用我的位置。图钉确定区县，地址确定街道（乡镇）。",
        "map_region": "事发地点地图",
        "use_location": "使用我的位置", "locating": "正在获取您的位置…",
        "location_denied": "无法获取您的位置（未授权或设备不支持），请在地图上点击标出位置。",
        "pin_clear": "清除图钉", "pin_none": "尚未标出位置。",
        "pin_at": "图钉位于：{county}", "pin_named": "；地址对应：{named}",
        "pin_checking": "正在核对位置…",
        "address_map_hint": "写明街道（乡镇）、路名和门牌，例如：崇安寺街道人民中路 123 号。标了图钉时，只写路名门牌也可以。",
        "category": "问题大类", "category_all": "（全部大类）",
        "category_hint": "先选大类，下方只列出该类的事项；也可以直接按描述中的推荐选择。",
        "suggest_title": "根据您的描述，可能是：",
        "nearby_title": "附近已有人反映？",
        "nearby_intro": "以下是附近同类、正在办理的诉求。如果是同一个问题，点“我也遇到”即可，不必重复提交，"
                        "办理单位会看到更多群众关注。",
        "nearby_none": "附近暂无同类正在办理的诉求，请继续填写并提交。",
        "nearby_wait": "标出位置并选择诉求类型后，这里会显示附近是否已有人反映。",
        "nearby_private": "（诉求人未同意公开内容）", "nearby_supporters": "已有 {n} 人附议",
        "nearby_distance": "约 {m} 米", "nearby_ref": "编号 {ref}", "metoo": "我也遇到",
        "metoo_label": "我也遇到：{ref}",
        "metoo_done_title": "已记录您的附议",
        "metoo_done": "感谢！您已为诉求 {ref} 附议，办理单位会看到又有一位群众反映了这个问题，无需重复提交。",
        "err_metoo_ref": "没有编号为“{ref}”的诉求，请返回重新选择。",
        "err_point": "地图上的位置无效，请重新标出。",
    },
    "en": {
        "map_title": "Mark the place on the map",
        "map_hint": "Tap the map to drop a pin (drag it to adjust), or use your location. The pin gives the "
                    "district, the address the subdistrict or town.",
        "map_region": "Map of the place",
        "use_location": "Use my location", "locating": "Finding your location…",
        "location_denied": "Your location is not available (not allowed, or not supported): tap the map to "
                           "mark the place.",
        "pin_clear": "Remove the pin", "pin_none": "No place marked yet.",
        "pin_at": "Pin in: {county}", "pin_named": "; the address names: {named}",
        "pin_checking": "Checking the place…",
        "address_map_hint": "The subdistrict or town, street and number, e.g. 崇安寺街道人民中路 123 号. With a pin, "
                            "the street and number alone will do.",
        "category": "Category", "category_all": "(all categories)",
        "category_hint": "Pick a category to list only its types below, or take one suggested from your "
                         "description.",
        "suggest_title": "From your description, it may be:",
        "nearby_title": "Already reported nearby?",
        "nearby_intro": "Open reports of the same type nearby. If one is your problem, press “Me too” instead "
                        "of reporting it again: the departments see that more people are concerned.",
        "nearby_none": "No open report of this type nearby: please go on and submit yours.",
        "nearby_wait": "Once the place is marked and the type chosen, reports already made nearby show here.",
        "nearby_private": "(the reporter did not agree to publish the text)",
        "nearby_supporters": "{n} said “me too”", "nearby_distance": "about {m} m",
        "nearby_ref": "No. {ref}", "metoo": "Me too", "metoo_label": "Me too: {ref}",
        "metoo_done_title": "Your “me too” is recorded",
        "metoo_done": "Thank you! You said “me too” to report {ref}: the departments see that one more person "
                      "reported this problem. There is no need to report it again.",
        "err_metoo_ref": "There is no report numbered “{ref}”: go back and choose again.",
        "err_point": "The place on the map is not valid: please mark it again.",
    },
}

FORM_TEXT: dict[str, dict[str, str]] = {key: {**PORTAL_TEXT[key], **MAP_TEXT[key]} for key in PORTAL_TEXT}
