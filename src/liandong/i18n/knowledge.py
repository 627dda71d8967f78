"""The words of the knowledge base (知识库): its fields as the exchange workbook heads them and as
refusals name them, and what ``liandong kb`` prints."""

from __future__ import annotations

FIELD_NAMES: dict[str, dict[str, str]] = {
    "zh": {"id": "编号", "title": "问题", "answer": "答复", "owner": "主管部门代码", "source": "依据",
           "valid_from": "生效日期", "valid_until": "失效日期", "reviewed_by": "审核人", "reviewed_on": "审核日期",
           "scope": "适用区划代码", "matter": "事项代码", "keywords": "关键词（、分隔）", "question": "问题"},
    "en": {"id": "ID", "title": "Question", "answer": "Answer", "owner": "Owner department code",
           "source": "Source", "valid_from": "Valid from", "valid_until": "Valid until",
           "reviewed_by": "Reviewed by", "reviewed_on": "Reviewed on", "scope": "Scope (jurisdiction code)",
           "matter": "Matter code", "keywords": "Keywords (separated by 、)", "question": "Question"},
}
"""A workbook is read by its Chinese headings (the first row); the English ones name the fields in
English refusals."""

KNOWLEDGE_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "added": "已新增", "replaced": "已替换", "imported": "{source}：新增 {new} 条，替换 {replaced} 条",
        "exported": "已导出 {n} 条到 {path}", "none_found": "没有在来电人所在地有效的相关条目",
        "results": "检索结果", "col_id": "编号", "col_title": "问题", "col_scope": "适用区划",
        "col_validity": "有效期", "col_until": "失效日期", "col_score": "相关度", "col_owner": "主管部门", "col_source": "依据",
        "col_reviewed": "审核", "col_matter": "事项", "col_keywords": "关键词", "col_state": "状态",
        "no_end": "长期", "nothing_to_review": "没有需要复核的条目", "to_review": "需要复核的条目",
        "state_expired": "已过期", "state_expiring": "30 天内到期", "state_in_force": "有效",
        "state_not_yet": "尚未生效", "answered": "咨询已办结：{id}（据条目 {entry}）",
        "consultations": "咨询办结 {scope}（{since} 至 {until}）", "col_channel": "渠道", "col_count": "件数",
        "channel_phone": "电话", "channel_web": "网站与小程序", "channel_walk_in": "窗口", "channel_other": "其他",
        "total": "合计",
    },
    "en": {
        "added": "added", "replaced": "replaced", "imported": "{source}: {new} added, {replaced} replaced",
        "exported": "{n} entries written to {path}", "none_found": "no entry in force where the caller is answers this",
        "results": "Results", "col_id": "ID", "col_title": "Question", "col_scope": "Scope",
        "col_validity": "Valid", "col_until": "Valid until", "col_score": "Score", "col_owner": "Owner", "col_source": "Source",
        "col_reviewed": "Reviewed", "col_matter": "Matter", "col_keywords": "Keywords", "col_state": "State",
        "no_end": "no end", "nothing_to_review": "nothing to review", "to_review": "Entries to review",
        "state_expired": "expired", "state_expiring": "ends within 30 days", "state_in_force": "in force",
        "state_not_yet": "not yet in force", "answered": "consultation answered: {id} (from entry {entry})",
        "consultations": "Consultations answered in {scope} ({since} to {until})", "col_channel": "Channel",
        "col_count": "Count", "channel_phone": "phone", "channel_web": "web and mini-programs",
        "channel_walk_in": "walk-in", "channel_other": "other", "total": "Total",
    },
}
