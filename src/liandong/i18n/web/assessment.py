"""The texts of the assessment page (考核与问责), in Chinese and English."""

from __future__ import annotations

ASSESSMENT_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "as_title": "考核与问责", "scope_label": "统计范围", "period_label": "考核周期",
        "period_hint": "如 2026-10（考核月，截止日见规则）、2026Q3、2026 或 2026-10-01..2026-10-31",
        "by_label": "分组", "show": "查看", "kpi": "三率与过程指标", "ranking": "排名与分类",
        "accountability": "精准问责", "download": "下载", "xlsx": "Excel 表格（xlsx）", "csv": "CSV",
        "unit": "单位", "rank": "名次", "this_period": "本期", "previous": "上期", "change": "较上期",
        "class": "类别", "tier": "分级分类", "stage": "环节", "held": "实际占用时长", "held_share": "实际占用占比",
        "blamed_share": "默认问责占比", "fairness": "公平系数（基层实际占用 ÷ 默认问责）",
        "fairness_note": "1 表示公平；小于 1 表示基层被问责的比例高于其实际占用的时间。",
        "adverse": "不良结果案件 {n} 件（容错试点案件 {tol} 件不计责）",
        "parties": "主要责任方", "party": "责任方", "hours": "小时",
        "chart_label": "前、中、后端实际占用时长占比与默认问责占比对比柱状图，数据见下表",
        "bad_period": "考核周期无效：{message}", "outside": "该区划不在您的统计范围内：{code}",
        "no_groups": "本范围没有可分组的数据", "nothing": "—",
        "group_province": "省级", "group_city": "市级", "group_county": "县级", "group_township": "乡级",
        "group_department": "承办部门", "group_matter": "事项", "group_source": "来源",
        "group_lead_system": "主办系统",
        "definitions": "指标口径见 docs/assessment.md；与 liandong report 命令所得数字一致。",
    },
    "en": {
        "as_title": "Assessment and accountability", "scope_label": "Scope", "period_label": "Period",
        "period_hint": "e.g. 2026-10 (an assessment month; cut-off day in the rules), 2026Q3, 2026 or 2026-10-01..2026-10-31",
        "by_label": "Group by", "show": "Show", "kpi": "Rates and process indicators", "ranking": "Ranking and classes",
        "accountability": "Precise accountability", "download": "Download", "xlsx": "Excel (xlsx)", "csv": "CSV",
        "unit": "Unit", "rank": "Rank", "this_period": "This period", "previous": "Previous", "change": "Change",
        "class": "Class", "tier": "Tier", "stage": "Stage", "held": "Time held", "held_share": "Share of time held",
        "blamed_share": "Share blamed by default", "fairness": "Fairness (held by the grassroots ÷ blamed by default)",
        "fairness_note": "1 is fair; below 1 the grassroots are blamed for more than the time they held.",
        "adverse": "{n} cases with adverse outcomes ({tol} inside sanctioned pilots, not blamed)",
        "parties": "Main parties", "party": "Party", "hours": "hours",
        "chart_label": "Bar chart of the share of time held and the share blamed by default, per stage; the numbers are in the table below",
        "bad_period": "The period is not valid: {message}", "outside": "This jurisdiction is outside your scope: {code}",
        "no_groups": "Nothing to group in this scope", "nothing": "—",
        "group_province": "Provinces", "group_city": "Cities", "group_county": "Counties", "group_township": "Townships",
        "group_department": "Lead departments", "group_matter": "Matters", "group_source": "Sources",
        "group_lead_system": "Lead systems",
        "definitions": "Definitions in docs/assessment.md; the numbers are those of the liandong report command.",
    },
}
