"""Texts of the local dispatch catalogues (派单目录): refusals of catalogue files and workbooks."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "catalogue.no_directory": {
        "zh": "派单目录文件夹 {source} 不存在（LIANDONG_CATALOGUES_DIR）；请创建该目录或改正设置",
        "en": "The catalogues' directory {source} does not exist (LIANDONG_CATALOGUES_DIR); create it or correct the setting",
    },
    "catalogue.bad_name": {
        "zh": "{source}：派单目录文件名应为“区划代码-版本.toml”，如 320000-2027.1.toml",
        "en": "{source}: a catalogue file is named <scope code>-<version>.toml, e.g. 320000-2027.1.toml",
    },
    "catalogue.name_mismatch": {
        "zh": "{source}：文件内容的区划与版本应与文件名一致，应命名为 {expected}",
        "en": "{source}: the file's scope and version must match its name; name it {expected}",
    },
    "catalogue.exists": {
        "zh": "{source} 已存在；已发布的版本不可改写，请另起版本号",
        "en": "{source} exists already; a published version is never rewritten, give a new version",
    },
    "catalogue.bad_effective": {
        "zh": "{source}：{entry} 的“{field}”取值“{value}”不是日期，应写作 {allowed}（如 2027-03-01）",
        "en": "{source}: {entry} '{field}' has '{value}', not a date; write {allowed} (e.g. 2027-03-01)",
    },
    "catalogue.unknown_scope": {
        "zh": "{source}：{entry} 的“{field}”“{value}”不是已知的区划代码；相近的：{suggestions}",
        "en": "{source}: {entry} '{field}' '{value}' is not a known jurisdiction code; nearest: {suggestions}",
    },
    "catalogue.scope_level": {
        "zh": "{source}：{entry} 的“{field}”“{value}”为{level}级；派单目录只能由省级或市级制定（可选：{allowed}）",
        "en": "{source}: {entry} '{field}' '{value}' is at {level} level; a catalogue belongs to a province or a city ({allowed})",
    },
    "catalogue.unknown_matter": {
        "zh": "{source}：{entry} 改写的事项“{value}”不在全国职责清单中；新增事项请写在 [[matters]] 中（完整条目）；相近的：{suggestions}",
        "en": "{source}: {entry} overrides '{value}', which is not in the national list; add a new matter under [[matters]] (a full entry); nearest: {suggestions}",
    },
    "catalogue.added_is_national": {
        "zh": "{source}：{entry} 新增的事项“{value}”已在全国职责清单中；改写全国事项请写在 [[overrides]] 中，只列要改的字段",
        "en": "{source}: {entry} adds '{value}', which the national list has; override a national matter under [[overrides]], listing only the fields that change",
    },
    "catalogue.duplicate": {
        "zh": "{source}：{entry} 的事项“{value}”在 {what} 中重复；每个事项只能出现一次",
        "en": "{source}: {entry} lists '{value}' again in {what}; each matter appears once",
    },
    "catalogue.repeated": {
        "zh": "{source}：{entry} 的“{field}”有重复值：{value}",
        "en": "{source}: {entry} '{field}' repeats a value: {value}",
    },
    "catalogue.nothing_overridden": {
        "zh": "{source}：{entry} 改写“{value}”却没有给出任何字段；可改写：{allowed}",
        "en": "{source}: {entry} overrides '{value}' but sets no field; fields that may change: {allowed}",
    },
    "catalogue.empty": {
        "zh": "{source}：派单目录既无改写（[[overrides]]）也无新增事项（[[matters]]）",
        "en": "{source}: the catalogue has neither overrides ([[overrides]]) nor added matters ([[matters]])",
    },
    "catalogue.duplicate_version": {
        "zh": "{source}：版本 {value} 已由 {first} 给出；每个区划的每个版本只能有一个文件",
        "en": "{source}: version {value} is given by {first} already; one file per scope and version",
    },
    "catalogue.same_effective": {
        "zh": "{source}：施行日期 {value} 与 {first} 相同；同一区划的两个版本不能同日施行",
        "en": "{source}: effective {value}, as {first}; two versions of one scope cannot take effect the same day",
    },
    "catalogue.unknown_version": {
        "zh": "区划 {scope} 没有版本“{version}”；已有：{allowed}",
        "en": "Scope {scope} has no version '{version}'; known: {allowed}",
    },
    "catalogue.matter_not_here": {
        "zh": "事项“{code}”不在{place} {day} 施行的派单目录中；相近的：{suggestions}",
        "en": "Matter '{code}' is not in the catalogue in force at {place} on {day}; nearest: {suggestions}",
    },
    "catalogue.xlsx_header": {
        "zh": "{source}：工作表“{sheet}”第 1 行缺少列“{field}”；应有的列：{allowed}",
        "en": "{source}: sheet '{sheet}' row 1 lacks the column '{field}'; the columns are: {allowed}",
    },
    "catalogue.xlsx_unreadable": {
        "zh": "{source}：无法读取为 xlsx 工作簿（{reason}）",
        "en": "{source}: cannot be read as an xlsx workbook ({reason})",
    },
    "catalogue.not_overridable": {
        "zh": "{source}：{entry} 的“{field}”为“{value}”，与全国清单的“{expected}”不同；地方目录只能改写：{allowed}",
        "en": "{source}: {entry} '{field}' is '{value}' where the national list has '{expected}'; a local catalogue may change only: {allowed}",
    },
    "catalogue.no_change": {
        "zh": "{source}：工作表与 {scope} 在 {day} 施行的目录完全相同，没有要写入的版本",
        "en": "{source}: the sheet equals the catalogue in force for {scope} on {day}; there is no version to write",
    },
}
