"""Refusals of the public feed and its alerts (公开问题, 区域提醒), and of the tracking code's recovery."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "alerts.unknown_area": {
        "zh": "没有代码为“{area}”的行政区划",
        "en": "No jurisdiction has the code '{area}'",
    },
    "alerts.not_sent": {
        "zh": "确认邮件暂时无法发送，请稍后再试",
        "en": "The confirmation mail could not be sent now: please try again later",
    },
    "alerts.email_required": {
        "zh": "请填写电子邮箱",
        "en": "Enter an e-mail address",
    },
    "alerts.unavailable": {
        "zh": "本平台未开通邮件提醒",
        "en": "This platform sends no e-mail alerts",
    },
    "alerts.bad_link": {
        "zh": "链接无效或已失效（可能已退订或已重新订阅）",
        "en": "The link is not valid (any more): unsubscribed, or replaced by a newer one",
    },
    "public.unknown_report": {
        "zh": "没有这条公开问题",
        "en": "There is no such public report",
    },
    "recovery.bad_phone": {
        "zh": "请填写 11 位手机号码",
        "en": "Enter an 11-digit mobile number",
    },
}
