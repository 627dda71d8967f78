"""What an area alert's mails say (区域提醒), Chinese first and English after it: the person who
subscribes chose no language we keep. Never a name, number or address: the report as the public
feed shows it, redacted."""

from __future__ import annotations

CONFIRM_SUBJECT = "【12345】请确认订阅区域提醒 / Please confirm your area alert"
CONFIRM_BODY = """您（或他人以您的邮箱）请求订阅“{area}”的新问题提醒。
如确为您本人，请打开以下链接确认；不确认则不会收到任何提醒：
{confirm}

如非本人操作，请忽略本邮件。取消：{unsubscribe}

Someone (perhaps you) asked for alerts of new problems reported in {area}.
Open this link to confirm; without it nothing is sent:
{confirm}
Not you? Ignore this mail. Cancel: {unsubscribe}
"""

ALERT_SUBJECT = "【12345】{area}有新问题 / New problem in {area}"
ALERT_BODY = """“{area}”有一条新的公开问题：
{matter}（{place}）
{description}

查看详情与办理进度：{link}

A new public report in {area}: {matter} ({place}).
Details and status: {link}

退订 / Unsubscribe: {unsubscribe}
"""
