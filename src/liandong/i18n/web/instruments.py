"""The texts of the instrument pages (联动事项), in Chinese and English. The labels of a step's fields
are the pairs declared with the command (``domain/instruments/commands.py``)."""

from __future__ import annotations

from liandong.i18n.messages import (
    INSTRUMENT_DECISIONS as DECISION_LABELS,
)
from liandong.i18n.messages import (
    INSTRUMENT_EVENTS as EVENT_LABELS,
)
from liandong.i18n.messages import (
    INSTRUMENT_KINDS as KIND_LABELS,
)

__all__ = ["DECISION_LABELS", "EVENT_LABELS", "INSTRUMENT_TEXT", "KIND_LABELS"]

INSTRUMENT_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "ins_title": "联动事项", "news": "最新通知", "ins_new": "发布联动事项", "ins_mine": "本部门的联动事项", "none_yet": "暂无联动事项",
        "kind": "形式", "title_f": "标题", "issuer": "发布部门", "addressees": "对象部门", "state": "状态",
        "due": "时限", "role": "本部门角色", "issued_at": "发布时间", "scope": "所涉区划", "body": "内容",
        "role_issuer": "发布", "role_addressee": "收到", "role_promoted": "推广",
        "state_open": "办理中", "state_concluded": "已结束", "state_withdrawn": "已撤回",
        "overdue_n": "逾期 {n} 项", "open_only": "只看办理中", "apply": "筛选",
        "addressees_hint": "每行一个部门代码，如 320200-gov、320213-urban_management",
        "due_hint": "北京时间", "cadence": "报送周期（天）", "indicators": "试点指标",
        "indicators_hint": "每行一项：名称:基线:目标，如 分类准确率:60:85", "evidence": "依据",
        "evidence_hint": "每行一项：案件编号（如 320200-20261206-0123）、案件 ID 或联动事项 ID，须在本辖区内", "budget": "预算（元）",
        "items": "申请物资（资源申请）", "items_hint": "每行一项：名称:数量，如 排水泵:2（数量按资源池的计量单位）",
        "pool_title": "资源池", "pool_held": "本部门持有", "pool_item": "物资或资金", "pool_unit": "单位",
        "pool_qty": "数量", "pool_none": "资源池为空", "pool_stock": "入库或出库", "pool_stock_hint": "数量为负表示出库",
        "pool_save": "登记", "pool_asks": "待本部门决定的资源申请", "pool_mine": "本部门提出的资源申请",
        "pool_covered": "库存足够", "pool_short": "库存不足", "pool_requested": "申请",
        "pool_no_asks": "暂无", "pool_saved": "已登记：{item} 现有 {qty} {unit}",
        "read_limit": "阅读时限（小时）", "subject": "关联案件或议题", "issue": "发布",
        "kinds_allowed": "本部门所在层级可发布：{kinds}", "kinds_none": "本部门所在层级的治理要素不许可发布任何联动事项。",
        "parties": "各对象部门", "read": "已阅", "unread": "未阅", "responded": "已答复", "attended": "出席",
        "absent": "缺席", "reports": "报送记录", "tasks": "任务", "task": "任务", "owner": "承办",
        "done": "已报完成", "verified": "已核验", "sent_back": "已退回", "pending": "待办", "decision": "决定",
        "shortfall": "未达目标", "justification": "例外说明",
        "overdue": "逾期与上报", "escalated_to": "已上报至", "what": "事项", "timeline": "全过程记录（共享账本）",
        "actions": "可办理操作", "no_actions": "当前没有您可办理的操作", "error": "未能办理",
        "minutes": "纪要", "promoted_to": "已推广至", "adopted_by": "已采纳", "event": "事件", "time": "时间",
        "by": "部门", "detail": "内容", "figures": "数据",
        "a_read": "已阅", "a_report": "报送", "a_respond": "答复", "a_assign": "交办任务", "a_complete": "报告任务完成",
        "a_verify": "核验任务", "a_attend": "出席登记", "a_minutes": "记录纪要", "a_decide": "作出决定",
        "a_promote": "推广经验", "a_adopt": "采纳经验", "a_withdraw": "撤回",
        "f_title": "任务内容",
    },
    "en": {
        "ins_title": "Linkage instruments", "news": "Latest notices", "ins_new": "Issue an instrument", "ins_mine": "My department's instruments",
        "none_yet": "No instruments yet", "kind": "Kind", "title_f": "Title", "issuer": "Issued by",
        "addressees": "Addressed to", "state": "State", "due": "Deadline", "role": "My role", "issued_at": "Issued",
        "scope": "Scope", "body": "Text", "role_issuer": "issued", "role_addressee": "received",
        "role_promoted": "promoted", "state_open": "open", "state_concluded": "concluded", "state_withdrawn": "withdrawn",
        "overdue_n": "{n} overdue", "open_only": "Open only", "apply": "Filter",
        "addressees_hint": "One department code per line, e.g. 320200-gov, 320213-urban_management",
        "due_hint": "Beijing time", "cadence": "Reporting cadence (days)", "indicators": "Pilot indicators",
        "indicators_hint": "One per line: name:baseline:target, e.g. accuracy:60:85", "evidence": "Evidence",
        "evidence_hint": "One per line: a case number (e.g. 320200-20261206-0123), a case id or an instrument id, inside your jurisdiction", "budget": "Budget (yuan)",
        "items": "Items requested (resource requests)", "items_hint": "One per line: name:quantity, e.g. pump:2 (in the pool's unit)",
        "pool_title": "Resource pool", "pool_held": "Held by this department", "pool_item": "Item or fund", "pool_unit": "Unit",
        "pool_qty": "Quantity", "pool_none": "The pool is empty", "pool_stock": "Stock in or out", "pool_stock_hint": "A negative quantity takes items out",
        "pool_save": "Record", "pool_asks": "Resource requests awaiting this department's decision", "pool_mine": "Resource requests made by this department",
        "pool_covered": "Covered", "pool_short": "Short", "pool_requested": "Requested",
        "pool_no_asks": "None", "pool_saved": "Recorded: {item} now {qty} {unit}",
        "read_limit": "Read within (hours)", "subject": "Case or topic", "issue": "Issue",
        "kinds_allowed": "Your level may issue: {kinds}", "kinds_none": "The governance elements of your level allow no instrument to be issued.",
        "parties": "Addressed departments", "read": "read", "unread": "unread", "responded": "responded",
        "attended": "present", "absent": "absent", "reports": "Reports", "tasks": "Tasks", "task": "Task",
        "owner": "Owner", "done": "reported done", "verified": "verified", "sent_back": "sent back", "pending": "to do",
        "decision": "Decision", "shortfall": "Below target", "justification": "Justification", "overdue": "Overdue and escalated", "escalated_to": "escalated to", "what": "What",
        "timeline": "Timeline (shared record)", "actions": "Actions", "no_actions": "Nothing you can do now",
        "error": "Not done", "minutes": "Minutes", "promoted_to": "Promoted to", "adopted_by": "Adopted by",
        "event": "Event", "time": "Time", "by": "By", "detail": "Detail", "figures": "Figures",
        "a_read": "Mark as read", "a_report": "Report", "a_respond": "Respond", "a_assign": "Assign a task",
        "a_complete": "Report a task done", "a_verify": "Verify a task", "a_attend": "Record attendance",
        "a_minutes": "Record the minutes", "a_decide": "Decide", "a_promote": "Promote", "a_adopt": "Adopt",
        "a_withdraw": "Withdraw", "f_title": "Task",
    },
}
