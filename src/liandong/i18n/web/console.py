"""The words of the dispatch console (派单台), in Chinese and English, and the everyday short names a
dispatcher types to find a department (城管, 公安 …) beside the official names."""

from __future__ import annotations

from liandong.i18n.web.work import WORK_TEXT

CONSOLE_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "waiting": "等待", "waited_minutes": "已等 {m} 分钟", "waited_hours": "已等 {h} 小时 {m} 分钟",
        "waited_days": "已等 {d} 天 {h} 小时", "received_at": "受理于 {at}（北京时间）",
        "pick": "选中", "pick_case": "选中诉求 {case}", "batch": "批量派单",
        "batch_hint": "选中若干诉求，按各自的建议责任单位逐件派单；每件的结果显示在该件上。",
        "batch_submit": "按建议派单所选诉求", "batch_none": "请先选中要派单的诉求",
        "batch_done": "已处理 {n} 件：派出 {ok} 件，未能派出 {failed} 件",
        "override": "改派给其他单位", "override_label": "承办单位名称",
        "override_hint": "输入名称中的字，如 派出所、城管、梁溪区；只列出本案发生地可派的单位",
        "override_submit": "派给此单位", "merge_into": "并入原件（{at} 受理）", "similarity": "相似度",
        "merge_hint": "与较早的诉求重复：并单后两位诉求人都会收到办理结果",
        "dispatched_to": "已派单给 {lead}", "merged_into": "已并入 {case}", "open_case": "查看案件",
        "arrivals": "自打开本页以来新到 {n} 件待派诉求", "arrivals_none": "自打开本页以来暂无新到诉求",
        "arrivals_reload": "载入新到诉求", "leads_found": "找到 {n} 个可派单位",
        "console_hint": "派单后本页不跳转，结果显示在该件上。",
        "bad_since": "“since”应为带时区的时间，如 2026-12-06T08:00:00+00:00，收到的是“{value}”",
        "dispatcher_only": "只有 12345 派单员可以在派单台派单或并单；您的账号可以查看，不能办理。",
        "pending_new": "待派 {n} 件",
        "repeats": "重复来电与重复诉求（近 {days} 天）", "no_repeats": "近期没有重复来电或重复诉求",
        "repeat_caller": "同一来电号码 {phone}", "repeat_place": "{place}的“{matter}”",
        "repeat_count": "{n} 件", "repeat_open": "尚可并单",
        "return_category": "理由类别", "ruling_due": "裁定时限", "arbitration": "二次退单，仲裁裁定具约束力",
        "category_not_our_duty": "不属于本单位职责", "category_wrong_area": "管辖区域有误",
        "category_unclear_request": "诉求不明确", "category_beyond_government": "超出政府职能",
    },
    "en": {
        "waiting": "Waiting", "waited_minutes": "waiting {m} min", "waited_hours": "waiting {h} h {m} min",
        "waited_days": "waiting {d} d {h} h", "received_at": "received {at} (Beijing time)",
        "pick": "Select", "pick_case": "Select report {case}", "batch": "Batch dispatch",
        "batch_hint": "Select several reports to dispatch each to its suggested lead; each one shows its own result.",
        "batch_submit": "Dispatch the selected to their suggested leads", "batch_none": "Select the reports to dispatch first",
        "batch_done": "{n} handled: {ok} dispatched, {failed} not dispatched",
        "override": "Send to another department", "override_label": "Department name",
        "override_hint": "Type part of the name, e.g. 派出所, 城管, police, 梁溪区; only departments reachable for the case's places are listed",
        "override_submit": "Send here", "merge_into": "Merge into the original (received {at})", "similarity": "similarity",
        "merge_hint": "Repeats an earlier report: after 并单 both reporters hear the outcome",
        "dispatched_to": "Dispatched to {lead}", "merged_into": "Merged into {case}", "open_case": "Open the case",
        "arrivals": "{n} new reports to dispatch since this page was opened", "arrivals_none": "No new reports since this page was opened",
        "arrivals_reload": "Load the new reports", "leads_found": "{n} departments found",
        "console_hint": "The page stays here after each dispatch; the result shows on the report.",
        "bad_since": "'since' must be a time with its zone, e.g. 2026-12-06T08:00:00+00:00; got '{value}'",
        "dispatcher_only": "Only 12345 dispatchers may dispatch or merge from the console; your account may look, not act.",
        "pending_new": "{n} to dispatch",
        "repeats": "Repeat callers and repeat requests (last {days} days)", "no_repeats": "No repeat callers or requests lately",
        "repeat_caller": "the same caller {phone}", "repeat_place": "'{matter}' at {place}",
        "repeat_count": "{n} cases", "repeat_open": "still mergeable",
        "return_category": "Category", "ruling_due": "Rule by", "arbitration": "second return: the arbitration binds",
        "category_not_our_duty": "not this department's duty", "category_wrong_area": "wrong jurisdiction",
        "category_unclear_request": "request unclear", "category_beyond_government": "beyond government's remit",
    },
}

PAGE_TEXT: dict[str, dict[str, str]] = {
    language: {**WORK_TEXT[language], **texts} for language, texts in CONSOLE_TEXT.items()}
"""The console's pages: the workbench's words and its own."""

SEARCH_WORDS: dict[str, dict[str, str]] = {
    "public_security": {"zh": "公安 警察 派出所", "en": "police"},
    "urban_management": {"zh": "城管 执法 城市管理", "en": "city management"},
    "eco_environment": {"zh": "环保 环境", "en": "environment pollution"},
    "housing": {"zh": "住建 物业", "en": "housing property"},
    "market_regulation": {"zh": "市监 市场监管 工商 食品", "en": "market food"},
    "human_resources": {"zh": "人社 劳动 社保", "en": "labour social insurance"},
    "health": {"zh": "卫健 卫生 医院", "en": "health hospital"},
    "emergency": {"zh": "应急 安监", "en": "emergency safety"},
    "fire_rescue": {"zh": "消防", "en": "fire"},
    "transport": {"zh": "交通", "en": "transport traffic"},
    "water": {"zh": "水务 水利", "en": "water"},
    "natural_resources": {"zh": "自然资源 国土 规划", "en": "land planning"},
    "civil_affairs": {"zh": "民政", "en": "civil affairs"},
    "gov": {"zh": "政府 街道办 办事处", "en": "government"},
}
"""Short names people use for a system (space-separated), searched beside the official name in
either language whatever the page's."""
