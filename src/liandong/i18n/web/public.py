"""The words of the public feed (公开问题) and its alerts, in Chinese and English."""

from __future__ import annotations

PUBLIC_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "public_title": "公开问题", "public_intro": "经反映人同意公开、并经 12345 热线受理派单的问题。个人信息（姓名、电话、证件号、门牌等）已去除；涉及隐私或安全的诉求类型从不公开。",
        "area_title": "{area}的公开问题", "none": "暂无公开问题。", "township": "街道（乡镇）",
        "status": "状态", "received": "反映时间", "updated": "最近进展", "history": "办理经过",
        "step_at": "时间", "step": "环节", "step_note": "说明", "open": "办理中", "closed": "已办结",
        "details": "查看详情", "photos": "现场照片", "photo_alt": "现场照片（已去除位置信息）",
        "feeds": "订阅源", "atom": "Atom 订阅", "rss": "RSS 订阅", "matter_feed": "同类问题订阅",
        "alerts_title": "邮件提醒", "alerts_intro": "该区域有新的公开问题时发邮件告诉您。提交后请打开确认邮件中的链接；每封提醒都附有退订链接。",
        "email": "电子邮箱", "subscribe": "订阅提醒", "sent_title": "请查收确认邮件",
        "sent": "确认邮件已发送到 {email}。打开邮件中的链接后才会开始提醒。",
        "confirm_title": "确认订阅", "confirm_button": "确认订阅", "confirmed": "已确认：{area}有新的公开问题时会发邮件告诉您。",
        "unsubscribe_title": "退订提醒", "unsubscribe_button": "退订", "unsubscribed": "已退订，不会再收到该区域的提醒。",
        "area_choose": "选择区域", "feed_title": "{area}的公开问题（12345）", "matter_feed_title": "公开问题：{matter}（12345）",
        "back": "返回公开问题", "map_point": "位置（约 100 米）",
        "map_region": "公开问题地图", "map_hint": "地图上的点与下方列表中的问题相同，位置精确到约 100 米；点按标记可查看详情。",
        "map_marker": "{matter}，{place}（{state}）", "moderate": "公开审核：撤下此问题（在案件页填写理由）",
    },
    "en": {
        "public_title": "Public reports", "public_intro": "Reports whose reporters agreed to publication, taken in and dispatched by the 12345 centre. Personal data (names, phone and ID numbers, house numbers) is removed; matters touching privacy or safety are never shown.",
        "area_title": "Public reports in {area}", "none": "No public reports yet.", "township": "Township",
        "status": "Status", "received": "Reported", "updated": "Last update", "history": "History",
        "step_at": "Time", "step": "Step", "step_note": "Note", "open": "in progress", "closed": "closed",
        "details": "Details", "photos": "Photos", "photo_alt": "Photo of the scene (location data removed)",
        "feeds": "Feeds", "atom": "Atom feed", "rss": "RSS feed", "matter_feed": "Feed of this matter",
        "alerts_title": "E-mail alerts", "alerts_intro": "We e-mail you when a new public report is made in this area. Open the link in the confirmation mail first; every alert has an unsubscribe link.",
        "email": "E-mail address", "subscribe": "Subscribe", "sent_title": "Check your mail",
        "sent": "A confirmation mail was sent to {email}. Alerts start once you open its link.",
        "confirm_title": "Confirm the alert", "confirm_button": "Confirm", "confirmed": "Confirmed: we will e-mail you about new public reports in {area}.",
        "unsubscribe_title": "Unsubscribe", "unsubscribe_button": "Unsubscribe", "unsubscribed": "Unsubscribed: no more alerts for this area.",
        "area_choose": "Choose an area", "feed_title": "Public reports in {area} (12345)", "matter_feed_title": "Public reports: {matter} (12345)",
        "back": "Back to public reports", "map_point": "Place (about 100 m)",
        "map_region": "Map of the public reports", "map_hint": "The map shows the reports listed here, placed to about 100 m; tap a marker for its details.",
        "map_marker": "{matter}, {place} ({state})", "moderate": "Moderate: take this report off the public feed (give the reason on the case page)",
    },
}

RECOVERY_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "recover_title": "找回查询码", "recover_intro": "填写反映问题时留下的手机号码，我们会向该号码发送验证码；验证后为该号码最近反映的问题生成新的查询码（原查询码仍然有效）。",
        "phone": "手机号码", "send_code": "发送验证码", "sent": "如该号码反映过问题，验证码已通过短信发送，10 分钟内有效。",
        "code": "短信验证码", "verify": "验证并找回", "found_title": "新的查询码", "none_found": "该号码没有可找回的问题。",
        "case_of": "反映时间", "track_link": "查询进度",
    },
    "en": {
        "recover_title": "Recover a tracking code", "recover_intro": "Enter the mobile number you gave with your report. We text a code to it; once it is checked, the latest reports of that number get new tracking codes (the old codes still work).",
        "phone": "Mobile number", "send_code": "Send the code", "sent": "If this number made a report, a code was texted to it; it is valid for 10 minutes.",
        "code": "Code from the text message", "verify": "Check and recover", "found_title": "New tracking codes", "none_found": "This number has no reports to recover.",
        "case_of": "Reported", "track_link": "Track",
    },
}
