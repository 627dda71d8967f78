"""Texts of the working calendar: refusals of holiday files and the notices to administrators."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "holidays.bad_name": {
        "zh": "{source}：节假日文件名应为“年份.toml”，如 2027.toml",
        "en": "{source}: a holiday file is named after its year, e.g. 2027.toml",
    },
    "holidays.no_directory": {
        "zh": "节假日目录 {source} 不存在（LIANDONG_HOLIDAYS_DIR）；请创建该目录或改正设置",
        "en": "The holiday directory {source} does not exist (LIANDONG_HOLIDAYS_DIR); create it or correct the setting",
    },
    "holidays.year_mismatch": {
        "zh": "{source}：{entry} 的 year = {value}，与文件名的年份 {expected} 不符；每个文件只写它那一年",
        "en": "{source}: {entry} says year = {value} but the file is named for {expected}; a file holds its own year only",
    },
    "holidays.bad_date": {
        "zh": "{source}：{entry} 的“{field}”中“{value}”不是日期；应写作 2027-02-06",
        "en": "{source}: {entry} '{field}' lists '{value}', which is not a date; write e.g. 2027-02-06",
    },
    "holidays.outside_year": {
        "zh": "{source}：{entry} 的“{field}”中的 {value} 不在 {year} 年内；每个文件只能列出本年的日期（元旦假期可始于 {since}）",
        "en": "{source}: {entry} '{field}' lists {value}, outside {year}; a file lists dates of its own year only (the New Year's break may start from {since})",
    },
    "holidays.duplicate": {
        "zh": "{source}：{entry} 的“{field}”中的 {value} 重复（已列于 {first}）；每个日期只能出现一次",
        "en": "{source}: {entry} '{field}' lists {value} again (already in {first}); each date appears once",
    },
    "holidays.both": {
        "zh": "{source}：{value} 既在 {first} 中，又在 {entry} 的“{field}”中；一天只能是放假日（holidays）或调休上班日（workdays）之一",
        "en": "{source}: {value} is in {first} and also in {entry} '{field}'; a day is either a day off (holidays) or an adjusted working day (workdays)",
    },
    "holidays.workday_weekday": {
        "zh": "{source}：{entry} 的调休上班日 {value} 在周一至周五，本来就是工作日；调休上班日只能是星期六或星期日",
        "en": "{source}: {entry} adjusted working day {value} falls Monday to Friday and works anyway; adjusted working days are Saturdays or Sundays",
    },
    "holidays.workday_far": {
        "zh": "{source}：{entry} 的调休上班日 {value} 前后 {days} 天内没有该节日的放假日；调休上班日须在所调假期前后 {days} 天内",
        "en": "{source}: {entry} adjusted working day {value} has no day off of its festival within {days} days; it must lie within {days} days of the break it pays for",
    },
    "calendar.provisional_year": {
        "zh": "节假日正式安排仅至 {until}；{years} 年为暂定（仅法定节假日与补假，不含调休），落在其中的办理期限标为“暂定”。国务院办公厅通知发布后，请把正式文件放入节假日目录并运行 liandong calendar check",
        "en": "The official holiday arrangement runs to {until}; {years} is provisional (statutory holidays and days in lieu only, no adjusted working days) and deadlines falling there are marked provisional. When the State Council publishes its notice, put the official file into the holiday directory and run liandong calendar check",
    },
    "calendar.ends_soon": {
        "zh": "节假日安排仅知至 {until}（还有 {days} 天）；此后的期限按周一至周五计算。请在此之前放入 {year} 年的节假日文件",
        "en": "Holidays are known only until {until} ({days} days left); after that deadlines count Monday to Friday. Put the {year} holiday file in place before then",
    },
    "calendar.ended": {
        "zh": "节假日安排仅知至 {until}，已过期；现在的期限按周一至周五计算。请放入 {year} 年的节假日文件",
        "en": "Holidays were known only until {until}, which has passed; deadlines now count Monday to Friday. Put the {year} holiday file in place",
    },
    "calendar.provisional_mark": {"zh": "（暂定）", "en": " (provisional)"},
}
