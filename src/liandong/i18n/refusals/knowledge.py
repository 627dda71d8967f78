"""Texts of the knowledge base (知识库) and of consultations answered at intake."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "knowledge.field_required": {
        "zh": "“{field}”不能为空",
        "en": "'{field}' is required",
    },
    "knowledge.too_long": {
        "zh": "“{field}”有 {length} 个字，最多 {limit} 个字",
        "en": "'{field}' has {length} characters; at most {limit} are allowed",
    },
    "knowledge.title_too_short": {
        "zh": "标题只有 {length} 个字；请按群众的问法写出完整问题（至少 {limit} 个字）",
        "en": "The title has {length} characters; write the question as citizens ask it (at least {limit})",
    },
    "knowledge.bad_validity": {
        "zh": "有效期止于 {valid_until}，早于起始日 {valid_from}；止期应不早于起期（长期有效则不填止期）",
        "en": "Valid until {valid_until} is before valid from {valid_from}; leave the end empty for no end",
    },
    "knowledge.reviewed_in_future": {
        "zh": "审核日期 {reviewed_on} 晚于今天（{today}）；请填写实际审核的日期",
        "en": "The review date {reviewed_on} is after today ({today}); give the day it was reviewed",
    },
    "knowledge.too_many_keywords": {
        "zh": "关键词有 {count} 个，最多 {limit} 个",
        "en": "{count} keywords given; at most {limit} are allowed",
    },
    "knowledge.unknown": {
        "zh": "知识库中没有编号为 {id} 的条目",
        "en": "The knowledge base has no entry {id}",
    },
    "knowledge.bad_limit": {
        "zh": "返回条数 {value} 不可用；允许 {allowed}",
        "en": "A limit of {value} is not allowed; allowed: {allowed}",
    },
    "knowledge.not_in_force": {
        "zh": "条目 {id} 今天不在有效期内（{state}），不能据此答复；请联系其主管部门更新",
        "en": "Entry {id} is not in force today ({state}); it cannot be answered from: ask its owner to update it",
    },
    "knowledge.out_of_scope": {
        "zh": "条目 {id} 只适用于 {scope}，不适用于来电所在地 {place}",
        "en": "Entry {id} holds in {scope} only, not where the caller is ({place})",
    },
    "knowledge.bad_row": {
        "zh": "{source}：第 {row} 行“{column}”列：{problem}。整个文件未导入，请改正后重新导入",
        "en": "{source}: row {row}, column '{column}': {problem}. Nothing was imported; correct the file and import it again",
    },
    "knowledge.missing_column": {
        "zh": "{source}：缺少“{column}”列；第一行应为表头：{allowed}",
        "en": "{source}: the column '{column}' is missing; the first row holds the headings: {allowed}",
    },
    "knowledge.bad_workbook": {
        "zh": "{source} 不是可读取的 xlsx 工作簿（{problem}）；请用 Excel 或 WPS 另存为 .xlsx",
        "en": "{source} is not a readable xlsx workbook ({problem}); save it as .xlsx from Excel or WPS",
    },
    "knowledge.too_many_rows": {
        "zh": "{source}：超过 {limit} 行；请分成几个文件导入",
        "en": "{source}: more than {limit} rows; import it in several files",
    },
    "knowledge.bad_date": {
        "zh": "“{value}”不是日期；应写作 2027-01-01",
        "en": "'{value}' is not a date; write e.g. 2027-01-01",
    },
    "knowledge.duplicate_id": {
        "zh": "编号 {id} 与第 {first} 行重复；每个编号只能出现一次",
        "en": "ID {id} repeats row {first}; each ID appears once",
    },
    "knowledge.bad_channel": {
        "zh": "渠道“{value}”不可用；允许：{allowed}",
        "en": "The channel '{value}' is not one of ours; allowed: {allowed}",
    },
}
