"""The words of the command line (``liandong …``), in Chinese and English, by command group.

Kept free of imports so that a command pays nothing for them at start-up."""

from __future__ import annotations

CASE_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "severity": "等级", "state": "状态", "report": "诉求", "places": "所涉区划", "owner": "管辖",
        "lead": "主办", "due": "时限", "team": "办理团队（按层级）", "col_level": "层级", "col_department": "部门",
        "col_role": "角色", "col_joined": "加入原因", "summons": "吹哨报到", "col_issued": "吹哨", "col_due": "时限",
        "col_answered": "报到", "col_on_time": "按时", "col_score": "评分", "yes": "是", "no": "否",
        "timeline": "时间线（共享记录）", "col_time": "时间", "col_event": "事件", "col_actor": "执行者",
        "col_claimed": "申报时间", "version": "第 {version} 版", "actor_reporter": "诉求人", "actor_platform": "平台",
        "rekeyed": "已用当前平台密钥重新计算 {count:,} 件诉求的电话摘要（找回查询码用）",
    },
    "en": {
        "severity": "severity", "state": "state", "report": "Report", "places": "Places", "owner": "Owner",
        "lead": "Lead", "due": "Due", "team": "Team by level", "col_level": "Level", "col_department": "Department",
        "col_role": "Role", "col_joined": "Joined for", "summons": "Summons", "col_issued": "Issued", "col_due": "Due",
        "col_answered": "Answered", "col_on_time": "On time", "col_score": "Score", "yes": "yes", "no": "no",
        "timeline": "Timeline (shared record)", "col_time": "Time", "col_event": "Event", "col_actor": "Actor",
        "col_claimed": "Claimed time", "version": "version {version}", "actor_reporter": "Reporter",
        "actor_platform": "Platform",
        "rekeyed": "The phone digests of {count:,} reports keyed again with the platform secret (tracking code recovery)",
    },
}

LEDGER_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "nothing_new": "没有新的记录", "verified": "核验通过", "entries": "条记录", "first_bad": "第一个不符的记录",
        "expected": "应为", "found": "实为", "bad_signature": "签名不符", "bad_checkpoint": "检查点不符",
        "receipt_written": "回执已写入", "cannot_read": "无法读取", "receipt_ok": "回执有效", "signed_by": "签名方",
        "receipt_bad": "回执无效", "state_checked": "个案件与文书的 {events:,} 个事件与日志一致",
        "since": "自第 {since:,} 条记录起",
        "opened": "叶子中的承诺与所给的值一致：{fields}",
        "bad_value": "“{given}”不是“字段=值”的形式（例如 --value description=广场舞噪声）",
        "moved": "已将 {count:,} 个签名密钥移入密码设备令牌“{token}”，数据库中不再保存其私钥",
        "moved_key": "已移入", "nothing_to_move": "没有密封保存的部门签名密钥需要移入",
        "not_pkcs11": "未配置密码设备：请设置 LIANDONG_KEY_STORE=pkcs11 及 LIANDONG_PKCS11_MODULE、"
                      "LIANDONG_PKCS11_TOKEN、LIANDONG_PKCS11_PIN",
    },
    "en": {
        "nothing_new": "nothing new to checkpoint", "verified": "verified", "entries": "entries",
        "first_bad": "first bad entry", "expected": "expected", "found": "found", "bad_signature": "bad signature",
        "bad_checkpoint": "bad checkpoint", "receipt_written": "receipt written to", "cannot_read": "cannot read",
        "receipt_ok": "receipt verified", "signed_by": "signed by", "receipt_bad": "receipt does not verify",
        "state_checked": "cases and instruments: {events:,} events agree with the log", "since": "from entry {since:,} on",
        "opened": "the leaf's commitments open to the values given: {fields}",
        "bad_value": "'{given}' is not of the form field=value (e.g. --value description=广场舞噪声)",
        "moved": "moved {count:,} signing keys into the token '{token}'; the database no longer keeps "
                 "their private keys",
        "moved_key": "moved", "nothing_to_move": "no department key sealed in the database to move",
        "not_pkcs11": "no token configured: set LIANDONG_KEY_STORE=pkcs11 with LIANDONG_PKCS11_MODULE, "
                      "LIANDONG_PKCS11_TOKEN and LIANDONG_PKCS11_PIN",
    },
}

INSTRUMENT_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "no_change": "无变化", "col_id": "编号", "col_kind": "形式", "col_title": "标题", "col_role": "角色",
        "col_state": "状态", "col_due": "时限", "col_n": "#", "col_time": "时间", "col_event": "事件", "col_by": "部门",
        "col_detail": "内容", "col_item": "资源", "col_quantity": "数量", "talks": "约谈：", "commendation": "点名表扬：",
        "verified_yes": "核验通过", "verified_no": "退回整改", "justification": "例外说明",
        "shortfall": "未达标", "not_reported": "未报送",
    },
    "en": {
        "no_change": "no change", "col_id": "id", "col_kind": "kind", "col_title": "title", "col_role": "role",
        "col_state": "state", "col_due": "due", "col_n": "#", "col_time": "time", "col_event": "event", "col_by": "by",
        "col_detail": "detail", "col_item": "item", "col_quantity": "quantity", "talks": "talks: ",
        "commendation": "commendation: ",
        "verified_yes": "accepted", "verified_no": "sent back", "justification": "justification",
        "shortfall": "below target", "not_reported": "not reported",
    },
}

REPORT_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "reading": "读取案件事件", "more_rows": "… {n} 行未显示，完整表格请用 --out 导出", "written": "已导出：",
        "freezing": "固化 {label}（{root}）", "frozen": "已固化 {label}（{first} 至 {last}，状态统计至 {as_of}）{root}：案件 {cases:,} 件 → {folder}",
        "nothing_due": "没有到期需固化的考核周期",
        "adverse": "不良结果案件 {cases:,} 件（另有容错试点案件 {tolerated:,} 件不计责）",
        "col_stage": "环节", "col_held": "实际占用时长", "col_share_held": "占比", "col_share_blamed": "默认问责占比",
        "fairness": "公平系数（基层实际占用 ÷ 默认问责）：", "parties": "主要责任方", "col_party": "责任方",
        "col_time_held": "时长", "col_department": "部门",
    },
    "en": {
        "reading": "reading case events", "more_rows": "… {n} more rows; export with --out for the whole table",
        "written": "written: ",
        "freezing": "freezing {label} ({root})", "frozen": "Frozen {label} ({first} to {last}, as it stood at {as_of}) {root}: {cases:,} cases → {folder}",
        "nothing_due": "No period is due to be frozen",
        "adverse": "{cases:,} cases with adverse outcomes ({tolerated:,} inside sanctioned pilots, not blamed)",
        "col_stage": "stage", "col_held": "time held", "col_share_held": "share held",
        "col_share_blamed": "share blamed by default",
        "fairness": "fairness (held by the grassroots ÷ blamed on them by default): ", "parties": "main parties",
        "col_party": "party", "col_time_held": "time held", "col_department": "department",
    },
}

ORG_TEXT: dict[str, dict[str, str]] = {
    "zh": {"code": "代码", "name": "名称", "level": "层级", "kind": "类型", "parent": "上级",
           "children": "下级", "departments": "部门", "system": "系统", "path": "路径",
           "lca": "最近共同上级", "results": "结果", "none": "（无）", "units": "区划",
           "init_done": "初始化完成", "added": "新增", "total": "合计",
           "phase_units": "载入行政区划", "phase_departments": "创建部门", "phase_keys": "生成签名密钥",
           "not_initialised": "（尚未为此区划创建部门：liandong init --scope {code}）"},
    "en": {"code": "Code", "name": "Name", "level": "Level", "kind": "Kind", "parent": "Parent",
           "children": "Children", "departments": "Departments", "system": "System",
           "path": "Path", "lca": "Lowest common ancestor", "results": "Results",
           "none": "(none)", "units": "Jurisdictions", "init_done": "Initialised",
           "added": "added", "total": "total", "phase_units": "Loading jurisdictions",
           "phase_departments": "Creating departments", "phase_keys": "Generating signing keys",
           "not_initialised": "(no departments here yet: liandong init --scope {code})"},
}

CALENDAR_TEXT: dict[str, dict[str, str]] = {
    "zh": {"official": "正式（国务院办公厅通知）", "statutory": "暂定（仅法定节假日与补假，不含调休）",
           "unknown": "未知：按周一至周五计算工作日", "year": "{year} 年", "basis": "依据", "file": "文件",
           "note": "说明", "off": "放假", "work": "调休上班", "month": "{month} 月",
           "weekdays": "一 二 三 四 五 六 日", "weekday": "周{0}",
           "summary": "放假 {off} 天（含周末）、调休上班 {work} 天；全年工作日 {workdays} 天",
           "ok": "✓ {source}：{year} 年，{status}；{festivals} 个节日，放假 {off} 天，调休上班 {work} 天",
           "bad": "✗ {error}", "overrides": "（覆盖 {previous}）",
           "known": "已知至 {until}，正式安排至 {official}", "none": "（没有节假日文件）"},
    "en": {"official": "official (State Council notice)",
           "statutory": "provisional (statutory holidays and days in lieu only, no adjusted working days)",
           "unknown": "unknown: working days are Monday to Friday", "year": "{year}", "basis": "Basis",
           "file": "File", "note": "Note", "off": "day off", "work": "adjusted working day",
           "month": "{name}", "weekdays": "Mon Tue Wed Thu Fri Sat Sun", "weekday": "{0}",
           "summary": "{off} days off (weekends included), {work} adjusted working days; "
                      "{workdays} working days in the year",
           "ok": "✓ {source}: {year}, {status}; {festivals} festivals, {off} days off, "
                 "{work} adjusted working days",
           "bad": "✗ {error}", "overrides": " (overrides {previous})",
           "known": "Known until {until}, official until {official}", "none": "(no holiday files)"},
}
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")
"""The months by name, for a format that names them (``{name}``; the Chinese one counts them)."""

LANG_REFUSED = "--lang 只能是 zh 或 en / --lang must be zh or en (got {lang!r})"
"""Said in both languages: the reader's language is what is wrong."""

CATALOGUE_TEXT: dict[str, dict[str, str]] = {
    "zh": {"none": "（没有地方派单目录：全国职责清单 {national} 版，{count} 个事项）",
           "scope_line": "{name}（{scope}）", "version_line": "  {mark} {version} · {effective} 起施行 · {source} · 改写 {overrides} 项、新增 {added} 项",
           "in_force": "●", "not_yet": "○", "superseded": "·",
           "head": "{name}（{scope}）{day} 施行的派单目录：{versions}；共 {count} 个事项，其中 {local} 个按地方目录",
           "national_only": "全国职责清单", "row": "  {code} {name} · 牵头 {lead} · 协办 {assist} · 权限 {authority} · 时限 {limits} · {origin}",
           "ok": "✓ {file}：{name} {version} 版，{effective} 起施行；改写 {overrides} 项、新增 {added} 项",
           "bad": "✗ {error}", "files": "共 {count} 个文件，全部有效", "no_files": "（没有派单目录文件）",
           "diff_head": "{name}（{scope}）{v1} → {v2}：{count} 个事项有变化",
           "added": "  + {code} {name}（新增）", "removed": "  - {code} {name}（删除）",
           "changed": "  ~ {code} {name}", "field": "      {heading}（{field}）：{before} → {after}",
           "same": "（两个版本相同）", "written": "已写入 {path}：改写 {overrides} 项、新增 {added} 项（{effective} 起施行）",
           "exported": "已导出 {count} 个事项到 {path}", "scope": "区划", "version": "版本",
           "effective": "施行日期", "source": "依据", "exported_on": "导出日期", "national": "全国职责清单版本",
           "blank": "（空）"},
    "en": {"none": "(no local dispatch catalogues: the national list {national}, {count} matters)",
           "scope_line": "{name} ({scope})", "version_line": "  {mark} {version} · in force from {effective} · {source} · {overrides} overrides, {added} added",
           "in_force": "●", "not_yet": "○", "superseded": "·",
           "head": "{name} ({scope}) on {day}: {versions}; {count} matters, {local} of them as the local catalogue sets them",
           "national_only": "the national list", "row": "  {code} {name} · lead {lead} · assist {assist} · authority {authority} · limits {limits} · {origin}",
           "ok": "✓ {file}: {name} version {version}, in force from {effective}; {overrides} overrides, {added} added",
           "bad": "✗ {error}", "files": "{count} files, all valid", "no_files": "(no catalogue files)",
           "diff_head": "{name} ({scope}) {v1} → {v2}: {count} matters changed",
           "added": "  + {code} {name} (added)", "removed": "  - {code} {name} (removed)",
           "changed": "  ~ {code} {name}", "field": "      {field}: {before} → {after}",
           "same": "(the two versions are the same)", "written": "Wrote {path}: {overrides} overrides, {added} added (in force from {effective})",
           "exported": "Exported {count} matters to {path}", "scope": "Scope", "version": "Version",
           "effective": "In force from", "source": "Source", "exported_on": "Exported on", "national": "National list version",
           "blank": "(empty)"},
}

BACKUP_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "dump": "复制数据库", "archive": "写入归档", "extract": "读取归档", "load": "写入数据库",
        "verify": "核验共享记录", "written": "备份完成", "restored": "恢复完成", "backend": "数据库",
        "schema": "结构版本", "cases": "案件", "entries": "条记录", "root": "日志根", "created": "备份时间",
        "checkpoint": "最新联署检查点", "no_checkpoint": "（尚无检查点）",
        "signed_by": "清单由节点密钥签名",
        "node_key_note": "恢复时需核对此节点公钥，请将其另行记录在运维档案中（不要只存于本机）：",
        "secret_note": "注意：归档中含平台密钥（secret.key），请像数据本身一样妥善保管。",
        "secret_kept": "原平台密钥与备份中的不同，已另存为", "verified": "核验通过",
        "signature_ok": "清单签名核验通过", "root_same": "日志规模与根和备份时一致",
        "root_differs": "日志规模或根与备份时不一致", "cases_differ": "案件数与备份时不一致",
        "checkpoint_ok": "恢复的日志与备份时的联署检查点一致",
        "checkpoint_differs": "恢复的日志在检查点规模处的根与备份中的联署检查点不一致",
        "rollback": "此次恢复已将共享记录从 {current} 条退回到 {restored} 条；已联署 {cosigned} 条的见证方将看到一次回滚。",
        "expected": "备份时", "found": "现为", "first_bad": "第一个不符的记录", "bad_signature": "签名不符",
        "bad_checkpoint": "检查点不符",
    },
    "en": {
        "dump": "Copying the database", "archive": "Writing the archive", "extract": "Reading the archive",
        "load": "Writing the database", "verify": "Verifying the shared record", "written": "Backup written",
        "restored": "Restored", "backend": "database", "schema": "schema revision", "cases": "cases",
        "entries": "entries", "root": "log root", "created": "backed up at",
        "checkpoint": "latest cosigned checkpoint", "no_checkpoint": "(no checkpoint yet)",
        "signed_by": "manifest signed by the node key",
        "node_key_note": "A restore checks against this node key; record it in the operations file, "
                         "away from this machine:",
        "secret_note": "Note: the archive holds the platform secret (secret.key); keep it as safe as "
                       "the data itself.",
        "secret_kept": "The former platform secret differed from the archive's; kept as",
        "verified": "verified", "signature_ok": "manifest signature verified",
        "root_same": "log size and root equal those at backup time",
        "root_differs": "log size or root differ from those at backup time",
        "cases_differ": "the number of cases differs from that at backup time",
        "checkpoint_ok": "the restored log is consistent with the cosigned checkpoint of the backup",
        "checkpoint_differs": "the restored log's root at the checkpoint's size differs from the backup's "
                              "cosigned checkpoint",
        "rollback": "This restore returned the log from {current} to {restored} entries; witnesses that "
                    "cosigned size {cosigned} will see a rollback.",
        "expected": "at backup", "found": "found", "first_bad": "first bad entry",
        "bad_signature": "bad signature", "bad_checkpoint": "bad checkpoint",
    },
}


DISPUTE_TEXT: dict[str, dict[str, str]] = {
    "zh": {"proposals_head": "最近 {days} 天受理的案件中，编办仲裁提出的派单目录修订建议 {count} 条：",
           "proposal_row": "  {case} · {matter} · {places} → 建议由 {lead} 承办（{returned}二次退单，理由类别：{category}；"
                           "{arbiter} {day} 裁定：{ruling}）",
           "repeats_head": "最近 {days} 天受理的案件中，重复来电与重复诉求 {count} 组：",
           "repeat_row": "  {what}：{count} 件（{cases}）；尚可并单：{open}",
           "caller": "同一来电号码 {phone}", "place": "{place}的“{matter}”",
           "category_not_our_duty": "不属于本单位职责", "category_wrong_area": "管辖区域有误",
           "category_unclear_request": "诉求不明确", "category_beyond_government": "超出政府职能"},
    "en": {"proposals_head": "Proposed changes of the dispatch catalogue from arbitrations, cases received in the last {days} days: {count}",
           "proposal_row": "  {case} · {matter} · {places} → proposed lead {lead} (returned twice, last by {returned}, "
                           "category: {category}; ruled by {arbiter} on {day}: {ruling})",
           "repeats_head": "Repeat callers and repeat requests, cases received in the last {days} days: {count} groups",
           "repeat_row": "  {what}: {count} cases ({cases}); still mergeable: {open}",
           "caller": "the same caller {phone}", "place": "'{matter}' at {place}",
           "category_not_our_duty": "not this department's duty", "category_wrong_area": "wrong jurisdiction",
           "category_unclear_request": "request unclear", "category_beyond_government": "beyond government's remit"},
}
"""``liandong catalogue proposals`` and ``liandong case repeats``."""
