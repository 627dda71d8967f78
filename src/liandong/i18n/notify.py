"""What the reporter is sent when their case moves (e-mail and SMS), by event type. In Chinese: the
reporter's language is not recorded with the report, and the portal is Chinese first. Nothing but
the matter, the state and the public note: never a name, number or address (the reporter's own
included), nor a department's staff."""

from __future__ import annotations

UPDATE_SUBJECT = "【12345】您反映的诉求有新进展"

UPDATES: dict[str, str] = {
    "CaseDispatched": "您反映的“{matter}”诉求已派给承办单位办理。",
    "CaseAcknowledged": "您反映的“{matter}”诉求已由承办单位签收。",
    "CaseResolved": "您反映的“{matter}”诉求已办结。{note}请凭查询码在“进度查询”页面评价办理结果（满意、基本满意或不满意）。",
    "CaseReopened": "您反映的“{matter}”诉求已重新办理。",
    "CaseClosed": "您反映的“{matter}”诉求已归档，感谢您的反映。",
}

NOTE = "办理情况：{note}。"
