"""Labels of the assessment tables and reports, in Chinese and English."""

from __future__ import annotations

# (key, zh, en, kind): kind is "count", "rate" (shown as %), "hours" or "text"
COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("key", "代码", "code", "text"), ("name", "单位", "unit", "text"),
    ("received", "受理", "received", "count"), ("valid", "有效回访", "valid follow-ups", "count"),
    ("response", "响应率", "response", "rate"), ("resolution", "解决率", "resolution", "rate"),
    ("satisfaction", "满意率", "satisfaction", "rate"), ("composite", "三率综合", "composite", "rate"),
    ("ack_timely", "及时签收率", "timely acknowledgement", "rate"),
    ("on_time", "按时办结率", "on-time closure", "rate"), ("returns", "退单率", "return rate", "rate"),
    ("redo", "重办率", "redo rate", "rate"), ("extensions", "延期率", "extension rate", "rate"),
    ("escalations", "提级率", "escalation rate", "rate"),
    ("summons_in_time", "吹哨报到及时率", "summons answered in time", "rate"),
    ("assists_in_time", "协办按时率", "assists on time", "rate"),
    ("copresence", "共同在场率", "co-presence", "rate"), ("symmetry", "信息对称指数", "information symmetry", "rate"),
    ("read_lag_hours", "平均阅读时滞（小时）", "mean read lag (hours)", "hours"),
    ("overdue", "当前超期", "overdue now", "count"),
)
RANK_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("rank", "名次", "rank", "count"), ("key", "代码", "code", "text"), ("name", "单位", "unit", "text"),
    ("value", "本期", "this period", "rate"), ("previous", "上期", "previous period", "rate"),
    ("change", "较上期", "change", "rate"), ("previous_rank", "上期名次", "previous rank", "count"),
    ("valid", "有效回访", "valid follow-ups", "count"), ("klass", "类别", "class", "text"),
)
SEGMENT_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("case_id", "案件", "case", "text"), ("outcomes", "不良结果", "adverse outcomes", "text"),
    ("party", "责任方", "party", "text"), ("party_name", "责任方名称", "party name", "text"),
    ("stage", "环节", "stage", "text"), ("kind", "事由", "what was awaited", "text"),
    ("hours", "时长（小时）", "hours", "hours"), ("share", "占本案比例", "share of the case", "rate"),
    ("evidence", "证据（事件版本）", "evidence (event versions)", "text"),
    ("tolerance", "容错（试点）", "error tolerance (pilot)", "text"),
)
STAGE_NAMES = {"front": ("前端（中央）", "front end (centre)"), "middle": ("中端（省、市）", "middle (province, city)"),
               "back": ("后端（县、乡）", "back end (county, township)")}
KIND_NAMES = {
    "dispatch": ("等待派单", "waiting for dispatch"), "acknowledgement": ("等待签收", "waiting for acknowledgement"),
    "handling": ("承办处置", "handling"), "follow_up": ("等待回访", "waiting for follow-up"),
    "return_decision": ("退单待裁定", "return awaiting decision"),
    "disputed_return": ("争议退单（职责空白）", "disputed return (responsibility gap)"),
    "responsibility_gap": ("职责清单空白", "no entry in the responsibility list"),
    "summons": ("等待吹哨报到", "waiting for a summoned department"),
    "assist": ("协办逾期", "assist part overdue"), "extension": ("等待延期审批", "waiting for an extension decision"),
    "resource": ("等待上级资源决定", "waiting for a resource decision above"),
    "reporter": ("等待诉求人（不计责）", "waiting for the reporter (no fault)"),
}
CLASS_NAMES = {"advanced": ("先进", "advanced"), "improving": ("进步", "improving"),
               "rectify": ("整改", "to rectify"), "governance": ("治理类", "governance")}
"""The classes a ranking sorts units into (``assessment.rules``), by key."""

REPORT_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "subtitle": "考核周期 {label}（{first_day} 至 {last_day}，北京时间），受理于本期的案件，状态统计至 {as_of}",
        "total": "（合计）",
    },
    "en": {
        "subtitle": "Period {label} ({first_day} to {last_day}, Beijing time): cases received in the period, as they stood at {as_of}",
        "total": " (total)",
    },
}
"""The words around the tables: a report's subtitle and the name of the scope's total row."""

INSTRUMENT_HEADS = {"briefing_read_in_time": ("简报阅读及时率", "briefings read in time"),
                    "directive_answered_in_time": ("批示答复及时率", "directives answered in time"),
                    "rectification_completed": ("整改完成率", "rectification completed"),
                    "pilot_reports_on_time": ("试点报送及时率", "pilot reports on time")}
"""The instrument indicators (``assessment.instrument_kpi``) as column heads."""

FAIR_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("key", "代码", "code", "text"), ("name", "单位", "unit", "text"), ("tier", "分级分类", "tier", "text"),
    ("received", "受理", "received", "count"), ("excluded", "不纳入考核", "excluded", "count"),
    ("adverse", "不良结果", "adverse outcomes", "count"), ("tolerated", "容错", "tolerated", "count"),
    ("tolerance_rate", "容错率", "error-tolerance rate", "rate"),
    ("township_led", "乡镇主办", "led by a township", "count"),
    ("pushed_down", "下推（县级以上事权）", "pushed down (county-or-above authority)", "count"),
    ("pushed_down_share", "下推占乡镇主办", "pushed down, share of township-led", "rate"),
    ("sampled", "核实抽样", "verification sample", "count"), ("verified", "已核实", "verified", "count"),
    ("verification_rate", "回访核实率", "callback verification rate", "rate"),
    ("agreement_rate", "核实一致率", "agreement on verification", "rate"),
    ("self_satisfaction", "首次回访满意率（样本）", "satisfaction, first call (sample)", "rate"),
    ("independent_satisfaction", "核实满意率（独立样本）", "satisfaction, independent call", "rate"),
    ("gap", "差值", "gap", "rate"), ("diverges", "差异过大", "diverges", "text"),
)
"""The fair-assessment table (issue 25 point 5): error tolerance, work pushed down to townships and
the callback verification comparison, per unit."""
EXCLUSION_COLUMNS: tuple[tuple[str, str, str, str], ...] = (
    ("case_id", "案件", "case", "text"), ("matter", "事项", "matter", "text"), ("lead", "承办单位", "lead", "text"),
    ("centre_finding", "中心认定", "centre's finding", "text"), ("reason", "认定理由", "reasons", "text"),
    ("by", "认定单位", "adjudicated by", "text"), ("at", "认定时间", "adjudicated at", "text"),
    ("appeal", "申诉理由", "appeal", "text"), ("decider", "申诉裁定单位", "appeal ruled by", "text"),
    ("ruling", "申诉裁定理由", "appeal ruling", "text"), ("finding", "最终认定", "finding in force", "text"),
    ("excluded", "不纳入考核", "excluded from the rates", "text"),
)
"""The cases the centre adjudicated (不合理诉求认定), with the rulings, as the exports list them."""
FINDING_NAMES = {"unreasonable": ("不合理诉求", "unreasonable request"),
                 "out_of_remit": ("超出政府职能", "outside government's remit"),
                 "reasonable": ("合理诉求", "reasonable request")}
YES_NO_NAMES = {True: ("是", "yes"), False: ("否", "no")}
FAIR_TITLES = {"fair": ("公平考核", "fair assessment"), "exclusions": ("不合理诉求认定", "adjudicated requests")}
"""The names of the fair-assessment sheets (after the scope's name)."""
