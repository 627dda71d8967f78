"""The texts of every refusal, in Chinese and English, by code (rendered by ``liandong.messages``)."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "jurisdiction.unknown": {
        "zh": "未知的行政区划代码“{code}”。相近的代码：{suggestions}",
        "en": "Unknown jurisdiction code '{code}'. Nearest codes: {suggestions}",
    },
    "level.unknown": {
        "zh": "未知的层级“{value}”，可选：{allowed}",
        "en": "Unknown level '{value}'; allowed: {allowed}",
    },
    "lca.empty": {
        "zh": "请至少给出一个行政区划代码",
        "en": "Give at least one jurisdiction code",
    },
    "hierarchy.duplicate_code": {
        "zh": "行政区划代码“{code}”重复",
        "en": "Jurisdiction code '{code}' appears twice",
    },
    "hierarchy.roots": {
        "zh": "层级树必须恰有一个根节点，实际为 {count} 个",
        "en": "The hierarchy must have exactly one root; found {count}",
    },
    "hierarchy.unknown_parent": {
        "zh": "“{code}”的上级“{parent}”不存在",
        "en": "The parent '{parent}' of '{code}' does not exist",
    },
    "hierarchy.parent_not_higher": {
        "zh": "“{code}”的上级“{parent}”层级不高于它",
        "en": "The parent '{parent}' of '{code}' is not at a higher level",
    },
    "hierarchy.unreachable": {
        "zh": "有 {count} 个区划无法从根节点到达",
        "en": "{count} units cannot be reached from the root",
    },
    "system.unknown": {
        "zh": "未知的职能系统“{code}”，可选：{allowed}",
        "en": "Unknown functional system '{code}'; allowed: {allowed}",
    },
    "matter.unknown": {
        "zh": "未知的事项类型“{code}”。相近的：{suggestions}",
        "en": "Unknown matter type '{code}'. Nearest: {suggestions}",
    },
    "matter.severity_not_allowed": {
        "zh": "事项“{matter}”不适用等级“{severity}”，可选：{allowed}",
        "en": "Matter '{matter}' does not take severity '{severity}'; allowed: {allowed}",
    },
    "limit.bad": {
        "zh": "时限“{value}”格式不对，应为：{allowed}",
        "en": "Time limit '{value}' is malformed; expected {allowed}",
    },
    "data.not_table": {
        "zh": "{source}：{entry} 应为表（table）",
        "en": "{source}: {entry} must be a table",
    },
    "data.missing_field": {
        "zh": "{source}：{entry} 缺少字段“{field}”",
        "en": "{source}: {entry} lacks the field '{field}'",
    },
    "data.missing_array": {
        "zh": "{source}：缺少非空的 [[{field}]] 表数组",
        "en": "{source}: a non-empty [[{field}]] array of tables is required",
    },
    "data.empty_field": {
        "zh": "{source}：{entry} 的字段“{field}”不能为空",
        "en": "{source}: {entry} has an empty '{field}'",
    },
    "data.wrong_type": {
        "zh": "{source}：{entry} 的字段“{field}”应为 {expected}，实际为 {got}",
        "en": "{source}: {entry} field '{field}' must be a {expected}, got {got}",
    },
    "data.unknown_field": {
        "zh": "{source}：{entry} 含有未定义的字段“{field}”，允许的字段：{allowed}",
        "en": "{source}: {entry} has unknown field(s) '{field}'; allowed: {allowed}",
    },
    "data.not_allowed": {
        "zh": "{source}：{entry} 的字段“{field}”取值“{value}”无效，可选：{allowed}",
        "en": "{source}: {entry} field '{field}' has '{value}', not allowed; allowed: {allowed}",
    },
    "data.bad_code": {
        "zh": "{source}：{entry} 的代码“{value}”无效，应为 {allowed}",
        "en": "{source}: {entry} code '{value}' is invalid; expected {allowed}",
    },
    "data.bad_placeholder": {
        "zh": "{source}：{entry} 的“{field}”含未知占位符 {{{value}}}，可用：{allowed}",
        "en": "{source}: {entry} '{field}' uses unknown placeholder {{{value}}}; allowed: {allowed}",
    },
    "data.duplicate_code": {
        "zh": "{source}：{what} 代码“{entry}”重复",
        "en": "{source}: {what} code '{entry}' appears twice",
    },
    "data.reserved_code": {
        "zh": "{source}：代码“{entry}”为保留代码（属地政府）",
        "en": "{source}: code '{entry}' is reserved for territorial governments",
    },
    "data.lead_in_assist": {
        "zh": "{source}：{entry} 的牵头系统“{value}”不能同时列为协办",
        "en": "{source}: {entry} lists its lead system '{value}' among the assisting ones",
    },
    "data.limits_mismatch": {
        "zh": "{source}：{entry} 的时限键为 {value}，应与等级一一对应：{allowed}",
        "en": "{source}: {entry} limits cover {value}; they must match the severities: {allowed}",
    },
    "data.bad_limit": {
        "zh": "{source}：{entry} 的“{field}”取值“{value}”无效，应为 {allowed}",
        "en": "{source}: {entry} '{field}' has '{value}'; expected {allowed}",
    },
    "data.unreadable": {
        "zh": "无法读取文件 {source}：{reason}",
        "en": "Cannot read {source}: {reason}",
    },
    "data.bad_toml": {
        "zh": "{source} 不是有效的 TOML：{reason}",
        "en": "{source} is not valid TOML: {reason}",
    },
    "assessment.bad_cutoff": {
        "zh": "考核月截止日“{value}”无效，允许：{allowed}",
        "en": "Cut-off day '{value}' is not valid; allowed: {allowed}",
    },
    "assessment.bad_dimension": {
        "zh": "无法按“{value}”分组，可选：{allowed}",
        "en": "Cannot group by '{value}'; choose one of: {allowed}",
    },
    "assessment.bad_group": {
        "zh": "无法按“{value}”分组，可选：{allowed}",
        "en": "Cannot group by '{value}'; choose one of: {allowed}",
    },
    "assessment.bad_level": {
        "zh": "层级“{value}”不在该范围之下，可选：{allowed}",
        "en": "Level '{value}' is not below this scope; choose one of: {allowed}",
    },
    "assessment.bad_period": {
        "zh": "考核周期“{value}”无法识别，可写作：{allowed}",
        "en": "Period '{value}' is not understood; write it as one of: {allowed}",
    },
    "assessment.future_period": {
        "zh": "考核周期自 {start} 起，尚未开始",
        "en": "The period starts on {start} and has not begun yet",
    },
    "assessment.rules_invalid": {
        "zh": "考核规则文件 {path} 有误：{error}",
        "en": "The assessment rules {path} are not valid: {error}",
    },
    "assessment.rules_unreadable": {
        "zh": "无法读取考核规则文件 {path}：{error}",
        "en": "Cannot read the assessment rules {path}: {error}",
    },
    "assessment.unknown_scope": {
        "zh": "统计范围“{code}”不是全国区划名录中的代码",
        "en": "Scope '{code}' is not a code of the national list of jurisdictions",
    },
    "assessment.bad_export": {
        "zh": "无法导出为“{value}”，可选扩展名：{allowed}",
        "en": "Cannot export to '{value}'; allowed extensions: {allowed}",
    },
    "instrument.already_responded": {
        "zh": "{department} 已经答复过",
        "en": "{department} has already responded",
    },
    "instrument.bad_decision": {
        "zh": "决定“{value}”不适用，可选：{allowed}",
        "en": "Decision '{value}' does not apply; choose one of: {allowed}",
    },
    "instrument.bad_figure": {
        "zh": "数值“{value}”无效，请写十进制数（如 12.5）",
        "en": "Figure '{value}' is not valid; write a decimal number (e.g. 12.5)",
    },
    "instrument.closed": {
        "zh": "联动事项 {id} 已结束（{state}），不能再办理",
        "en": "Instrument {id} has ended ({state}); nothing more can be done on it",
    },
    "instrument.conflict": {
        "zh": "联动事项 {id} 已被他人更新（期望版本 {expected}，实际 {actual}），请刷新后重试",
        "en": "Instrument {id} was updated by someone else (expected version {expected}, found {actual}); reload and retry",
    },
    "instrument.due_past": {
        "zh": "时限 {due} 已过，请给出将来的时间",
        "en": "The deadline {due} is in the past; give a future time",
    },
    "instrument.due_required": {
        "zh": "“{kind}”须设定时限",
        "en": "A {kind} needs a deadline",
    },
    "instrument.evidence_required": {
        "zh": "“{kind}”须附依据（考核结果、案件或督查记录）",
        "en": "A {kind} needs evidence (assessment results, cases or inspections)",
    },
    "instrument.exists": {
        "zh": "联动事项 {id} 已存在",
        "en": "Instrument {id} already exists",
    },
    "instrument.extend_until": {
        "zh": "延长试点须给出晚于当前期限的新期限（{until}）",
        "en": "Extending a pilot needs a new end later than the current one ({until})",
    },
    "instrument.negative": {
        "zh": "“{kind}”的数值不能为负",
        "en": "The numbers of a {kind} cannot be negative",
    },
    "instrument.no_addressees": {
        "zh": "请至少指定一个对象部门",
        "en": "Name at least one addressed department",
    },
    "instrument.no_such_step": {
        "zh": "“{kind}”没有“{step}”这一环节，可办理：{allowed}",
        "en": "A {kind} has no step '{step}'; its steps: {allowed}",
    },
    "instrument.no_task": {
        "zh": "没有任务“{task}”，现有任务：{allowed}",
        "en": "There is no task '{task}'; tasks: {allowed}",
    },
    "instrument.not_above": {
        "zh": "{addressee} 不在 {issuer} 的上级区划",
        "en": "{addressee} is not at a level above {issuer}",
    },
    "instrument.not_below": {
        "zh": "{addressee} 不在 {issuer} 的下级区划",
        "en": "{addressee} is not below {issuer}",
    },
    "instrument.not_decided": {
        "zh": "联动事项 {id} 尚未作出决定",
        "en": "Instrument {id} has not been decided yet",
    },
    "instrument.not_found": {
        "zh": "联动事项 {id} 不存在",
        "en": "Instrument {id} does not exist",
    },
    "instrument.not_granted": {
        "zh": "{department} 所在层级（{level}）的治理要素不含“{action}”；可以办理的层级：{allowed}",
        "en": "The governance elements of the {level} level of {department} do not grant '{action}'; levels that may: {allowed}",
    },
    "instrument.not_party": {
        "zh": "{actor} 不是本事项的{who}（应为：{allowed}）",
        "en": "{actor} is not the {who} of this instrument (expected: {allowed})",
    },
    "instrument.not_promoted_here": {
        "zh": "该经验未推广到 {department} 所在区划（已推广：{scopes}）",
        "en": "This experience was not promoted where {department} is (promoted to: {scopes})",
    },
    "backup.malformed": {"zh": "备份文件“{file}”无法使用：{problem}", "en": "The backup file '{file}' cannot be used: {problem}"},
    "backup.unreadable": {"zh": "无法读取备份文件“{file}”：{problem}", "en": "Cannot read the backup file '{file}': {problem}"},
    "backup.unwritable": {"zh": "无法写入备份文件“{file}”：{problem}", "en": "Cannot write the backup file '{file}': {problem}"},
    "backup.file_exists": {"zh": "备份文件“{file}”已存在；确认覆盖请加 --force", "en": "The backup file '{file}' exists already; add --force to overwrite it"},
    "backup.unsupported_format": {"zh": "备份文件“{file}”的格式版本 {version} 比本程序支持的版本 {supported} 更新，请先升级联动", "en": "The backup file '{file}' has format version {version}, newer than the supported {supported}; upgrade Liandong first"},
    "backup.wrong_backend": {"zh": "备份文件“{file}”来自 {archive} 数据库，不能恢复到 {target} 数据库", "en": "The backup file '{file}' holds a {archive} database; it cannot be restored into {target}"},
    "backup.newer_schema": {"zh": "备份的数据库结构版本 {revision} 比本程序的版本 {head} 更新，请先升级联动", "en": "The backup's schema revision {revision} is newer than this software's ({head}); upgrade Liandong first"},
    "backup.target_not_empty": {"zh": "目标数据库不是空的（有数据的表：{tables}）；确认用备份覆盖请加 --force", "en": "The target database is not empty (tables holding rows: {tables}); add --force to overwrite it with the backup"},
    "backup.secret_missing": {"zh": "找不到平台密钥 {path}：没有它，备份中的签名密钥将无法解开，因此不予备份", "en": "The platform secret {path} is missing: without it the signing keys in a backup cannot be opened, so no backup is made"},
    "backup.secret_mismatch": {"zh": "环境变量 LIANDONG_SECRET 给出的平台密钥与备份中的不同，恢复后的签名密钥将无法解开；请去掉该变量或改为备份中的密钥", "en": "The platform secret in LIANDONG_SECRET differs from the backup's; the restored signing keys could not be opened. Unset it or set it to the backup's secret"},
    "backup.unsupported_backend": {"zh": "不支持备份此类数据库：{backend}（仅支持 SQLite 与 PostgreSQL）", "en": "Cannot back up this kind of database: {backend} (SQLite and PostgreSQL only)"},
    "backup.no_database": {"zh": "{location} 处没有已初始化的联动数据库（请先运行 liandong init）", "en": "There is no initialised Liandong database at {location} (run liandong init first)"},
    "backup.database_unreachable": {"zh": "无法打开数据库 {location}：{problem}", "en": "Cannot open the database {location}: {problem}"},
    "backup.load_failed": {"zh": "无法把备份写入数据库 {location}：{problem}（数据库未改动）", "en": "Cannot write the backup into the database {location}: {problem} (the database is unchanged)"},
    "backup.tool_missing": {"zh": "找不到 {tool}：请安装 PostgreSQL 客户端工具（如 apt install postgresql-client），并确保它在 PATH 中", "en": "{tool} is not found: install the PostgreSQL client tools (e.g. apt install postgresql-client) and put them on PATH"},
    "backup.tool_failed": {"zh": "{tool} 执行失败（退出码 {code}）：{detail}", "en": "{tool} failed (exit code {code}): {detail}"},
    "insight.empty_text": {
        "zh": "第 {index} 条诉求文本为空（或只有标点），无法分类",
        "en": "Report text #{index} is empty (or only punctuation); nothing to classify",
    },
    "insight.bad_model": {
        "zh": "事项分类模型无法读取：{problem}",
        "en": "The matter classification model cannot be read: {problem}",
    },
    "insight.model_version": {
        "zh": "该事项分类模型基于职责清单 {model} 版训练，与当前版本 {current} 不符，请重新训练",
        "en": "This matter model was trained on responsibility list version {model}, not the current {current}; retrain it",
    },
    "insight.too_few_examples": {
        "zh": "训练样本不足：{examples} 条、{matters} 个事项；至少需要 {needed}",
        "en": "Too few training examples: {examples} across {matters} matters; needed: {needed}",
    },
    "insight.bad_parameter": {
        "zh": "分析参数有误：{name} = {value}，应为 {allowed}",
        "en": "Bad analysis parameter {name} = {value}; allowed: {allowed}",
    },
    "insight.naive_time": {
        "zh": "时间必须带时区（如 +08:00）",
        "en": "Times must carry a time zone (e.g. +08:00)",
    },
    "simulation.bad_surge_place": {
        "zh": "注入的第 {index} 个激增的地点“{place}”不在仿真范围“{scope}”内",
        "en": "Injected surge #{index}: place '{place}' is not within the simulation scope '{scope}'",
    },
    "simulation.bad_surge_matter": {
        "zh": "注入的第 {index} 个激增的事项“{matter}”不在职责清单中（相近：{suggestions}）",
        "en": "Injected surge #{index}: unknown matter '{matter}' (close: {suggestions})",
    },
    "relay.unreachable": {
        "zh": "无法连接消息总线 {url}：{problem}；请检查 NATS 服务地址（LIANDONG_NATS_URL）是否正确、服务是否已启动",
        "en": "Cannot reach the message bus at {url}: {problem}; check the NATS address (LIANDONG_NATS_URL) and that the server is running",
    },
    "instrument.task_above": {
        "zh": "{issuer} 只能向本辖区内的部门交办任务（指导督促）；{owner} 不在其辖区内，可邀请参加但不能交办",
        "en": "{issuer} may task only departments inside its own jurisdiction (guidance and supervision); {owner} is outside it: it may be invited, not tasked",
    },
    "instrument.owner_not_addressee": {
        "zh": "任务承办部门 {owner} 不是本事项的对象部门：{allowed}",
        "en": "Task owner {owner} is not addressed by this instrument: {allowed}",
    },
    "instrument.pool_short": {
        "zh": "{department} 的资源池中“{item}”只有 {have}，不足以分配 {need}",
        "en": "The pool of {department} holds only {have} of '{item}'; {need} cannot be allocated",
    },
    "instrument.items_only_for_resources": {
        "zh": "只有资源申请可以列出物资（当前为“{kind}”）",
        "en": "Only a resource request lists items (this is a {kind})",
    },
    "instrument.reason_required": {
        "zh": "请写明理由",
        "en": "Give a reason",
    },
    "instrument.scale_up_scope": {
        "zh": "推广范围 {scope} 须在发布单位辖区内、覆盖全部试点单位且大于其中任何一个（试点范围 {current}）",
        "en": "The scale-up scope {scope} must be inside the issuer's jurisdiction and wider than every pilot unit (pilot scope {current})",
    },
    "instrument.scope_outside": {
        "zh": "范围 {scope} 不在 {issuer} 的辖区内",
        "en": "Scope {scope} is outside the jurisdiction of {issuer}",
    },
    "instrument.task_done": {
        "zh": "任务“{task}”已报完成",
        "en": "Task '{task}' is already reported done",
    },
    "instrument.task_exists": {
        "zh": "任务“{task}”已存在",
        "en": "Task '{task}' already exists",
    },
    "instrument.task_not_done": {
        "zh": "任务“{task}”尚未报完成，不能核验",
        "en": "Task '{task}' has not been reported done; it cannot be verified",
    },
    "instrument.tasks_open": {
        "zh": "仍有未核验通过的整改任务：{tasks}",
        "en": "Rectification tasks not yet verified: {tasks}",
    },
    "instrument.text_required": {
        "zh": "内容不能为空",
        "en": "The text must not be empty",
    },
    "instrument.title_required": {
        "zh": "标题不能为空",
        "en": "The title must not be empty",
    },
    "instrument.unknown_command": {
        "zh": "未知的指令 {name}",
        "en": "Unknown command {name}",
    },
    "instrument.unknown_indicator": {
        "zh": "指标“{name}”不在试点指标中：{allowed}",
        "en": "Indicator '{name}' is not one of the pilot's: {allowed}",
    },
    "instrument.unknown_kind": {
        "zh": "未知的联动形式“{value}”，可选：{allowed}",
        "en": "Unknown instrument kind '{value}'; choose one of: {allowed}",
    },
    "instrument.unknown_scope": {
        "zh": "范围“{code}”不是全国区划名录中的代码",
        "en": "Scope '{code}' is not a code of the national list",
    },
    "case.already_paused": {
        "zh": "案件已暂停计时",
        "en": "The case clock is already paused",
    },
    "case.assist_already_reported": {
        "zh": "协办单位“{department}”已反馈过",
        "en": "Assisting department '{department}' has already reported",
    },
    "case.assists_pending": {
        "zh": "尚有协办单位未反馈，不能办结：{departments}",
        "en": "Assisting departments have not reported yet, so the case cannot be resolved: {departments}",
    },
    "case.bad_decision": {
        "zh": "裁定“{value}”无效，可选：{allowed}",
        "en": "Decision '{value}' is not valid; allowed: {allowed}",
    },
    "case.bad_heat": {
        "zh": "舆情热度“{value}”超出范围，应为 {allowed}",
        "en": "Heat '{value}' is out of range; allowed: {allowed}",
    },
    "case.bad_mode": {
        "zh": "报到方式“{value}”无效，可选：{allowed}",
        "en": "Reporting mode '{value}' is not valid; allowed: {allowed}",
    },
    "case.bad_rating": {
        "zh": "评价“{value}”无效，可选：{allowed}",
        "en": "Rating '{value}' is not valid; allowed: {allowed}",
    },
    "case.bad_score": {
        "zh": "评分“{value}”无效，应为 {allowed}",
        "en": "Score '{value}' is not valid; allowed: {allowed}",
    },
    "case.bad_severity": {
        "zh": "事件等级“{value}”无效，可选：{allowed}",
        "en": "Severity '{value}' is not valid; allowed: {allowed}",
    },
    "case.bad_source": {
        "zh": "来源“{value}”无效，可选：{allowed}",
        "en": "Source '{value}' is not valid; allowed: {allowed}",
    },
    "case.cannot_escalate": {
        "zh": "案件已由中央层级负责，无法再提级",
        "en": "The case is already owned by the central level and cannot be escalated",
    },
    "case.conflict": {
        "zh": "案件 {case_id} 已被他人更新（您看到的版本 {expected}，当前 {actual}），请刷新后重试，您的操作未被执行",
        "en": "Case {case_id} was changed by someone else (you saw version {expected}, now {actual}); reload and retry — nothing was applied",
    },
    "case.empty_description": {
        "zh": "诉求内容不能为空",
        "en": "The description must not be empty",
    },
    "case.extension_not_later": {
        "zh": "延期后的时限必须晚于当前时限 {due}",
        "en": "The extended deadline must be later than the current one, {due}",
    },
    "case.extension_pending": {
        "zh": "已有延期申请待审批",
        "en": "An extension request is already pending",
    },
    "case.extension_too_late": {
        "zh": "已超过办理时限 {due}，不能再申请延期",
        "en": "The deadline {due} has passed; an extension can no longer be requested",
    },
    "case.idempotency_mismatch": {
        "zh": "幂等键“{key}”已用于案件 {case_id}，但内容不同；请使用新的键",
        "en": "Idempotency key '{key}' was already used for case {case_id} with a different body; use a new key",
    },
    "case.illegal_transition": {
        "zh": "案件处于“{state}”状态，不能执行“{action}”。当前可执行：{allowed}",
        "en": "The case is '{state}' and cannot take '{action}'. Allowed now: {allowed}",
    },
    "case.merge_self": {
        "zh": "案件不能合并到自身",
        "en": "A case cannot be merged into itself",
    },
    "case.no_extension_pending": {
        "zh": "没有待审批的延期申请",
        "en": "There is no pending extension request",
    },
    "case.no_resource_pending": {
        "zh": "没有待决定的资源申请",
        "en": "There is no pending resource request",
    },
    "case.resource_not_above": {
        "zh": "资源申请须向主办部门 {lead} 的上级区划部门提出，{approver} 不是",
        "en": "A resource request goes to a department of a level above the lead {lead}; {approver} is not",
    },
    "case.resource_pending": {
        "zh": "已有资源申请待上级决定",
        "en": "A resource request is already awaiting the decision above",
    },
    "case.resource_required": {
        "zh": "请写明所需资源（人员、资金、设备或协调事项）",
        "en": "Say which resource is needed (people, funds, equipment or a coordination)",
    },
    "case.no_place": {
        "zh": "请至少给出一个所涉区划",
        "en": "Give at least one affected jurisdiction",
    },
    "case.not_allowed_actor": {
        "zh": "“{actor}”不是本案的{who}，不能执行此操作；可执行者：{allowed}",
        "en": "'{actor}' is not the {who} of this case; allowed: {allowed}",
    },
    "case.not_paused": {
        "zh": "案件未暂停计时",
        "en": "The case clock is not paused",
    },
    "case.not_summoned": {
        "zh": "“{department}”未被吹哨召集或尚未报到",
        "en": "'{department}' was not summoned or has not reported",
    },
    "case.nothing_new": {
        "zh": "区划“{value}”已在影响范围内",
        "en": "Jurisdiction(s) '{value}' are already affected",
    },
    "case.reason_required": {
        "zh": "“{action}”需要填写理由或说明",
        "en": "'{action}' needs a reason or summary",
    },
    "case.return_too_late": {
        "zh": "退单须在派单后 1 个工作日内（截至 {deadline}）",
        "en": "A return must be made within 1 working day of dispatch (by {deadline})",
    },
    "case.same_matter": {
        "zh": "本件已是“{matter}”类，无需改类",
        "en": "The case is already of matter type '{matter}'",
    },
    "case.same_lead": {
        "zh": "“{lead}”已是主办单位",
        "en": "'{lead}' is already the lead",
    },
    "case.shelve_date_past": {
        "zh": "挂账到期日 {until} 必须晚于现在和当前办理时限",
        "en": "The shelving date {until} must be later than now and than the current deadline",
    },
    "case.summoner_not_township": {
        "zh": "只有所涉乡镇（街道）可以吹哨，“{actor}”不符合",
        "en": "Only an affected township or street office may summon; '{actor}' may not",
    },
    "case.summons_already_answered": {
        "zh": "“{department}”已报到",
        "en": "'{department}' has already reported",
    },
    "case.summons_empty": {
        "zh": "请选择要召集的部门",
        "en": "Choose the departments to summon",
    },
    "case.summons_outside_county": {
        "zh": "只能召集本县（{county}）的部门，“{department}”不在其中",
        "en": "Only departments of the county ({county}) can be summoned; '{department}' is not one",
    },
    "case.summons_pending": {
        "zh": "已召集“{department}”，尚未报到",
        "en": "'{department}' is already summoned and has not reported yet",
    },
    "case.unknown": {
        "zh": "案件“{case_id}”不存在或您无权查看",
        "en": "Case '{case_id}' does not exist or is not visible to you",
    },
    "command.unknown": {
        "zh": "未知的命令“{value}”",
        "en": "Unknown command '{value}'",
    },
    "department.unknown": {
        "zh": "部门“{code}”不存在",
        "en": "Department '{code}' does not exist",
    },
    "event.unknown_type": {
        "zh": "未知的事件类型“{value}”",
        "en": "Unknown event type '{value}'",
    },
    "time.naive": {
        "zh": "时间“{value}”缺少时区",
        "en": "Time '{value}' has no time zone",
    },
    "ledger.no_checkpoint": {
        "zh": "尚无检查点：请先运行 liandong ledger checkpoint",
        "en": "There is no checkpoint yet: run liandong ledger checkpoint first",
    },
    "ledger.not_yet_checkpointed": {
        "zh": "案件 {case_id} 的记录尚未纳入检查点，请稍后再试",
        "en": "The records of case {case_id} are not covered by a checkpoint yet; try again shortly",
    },
    "ledger.malformed_receipt": {
        "zh": "回执格式错误：字段“{field}”{problem}",
        "en": "Malformed receipt: field '{field}' {problem}",
    },
    "ledger.witness_inconsistent": {
        "zh": "见证方拒绝联署：{why}（已联署规模 {old_size}，新规模 {new_size}）",
        "en": "The witness refuses to cosign: {why} (cosigned size {old_size}, new size {new_size})",
    },
    "ledger.bad_secret": {
        "zh": "平台密钥无法解开签名私钥（密钥错误或数据被改动）",
        "en": "The platform secret does not open this signing key (wrong secret or altered data)",
    },
    "ledger.weak_secret": {
        "zh": "平台密钥太短，至少需要 {min_bytes} 字节",
        "en": "The platform secret is too short; at least {min_bytes} bytes are needed",
    },
    "ledger.bad_tree_size": {
        "zh": "树规模 {size} 无效，当前日志规模为 {store_size}",
        "en": "Tree size {size} is not valid; the log has {store_size} entries",
    },
    "ledger.bad_proof_request": {
        "zh": "无法生成该证明：请求的规模或序号超出日志范围",
        "en": "That proof cannot be made: the sizes or index are outside the log",
    },
    "ledger.bad_signature": {
        "zh": "签名核验失败：{signer}",
        "en": "Signature check failed: {signer}",
    },
    "ledger.malformed_note": {
        "zh": "签名便笺格式错误：{problem}",
        "en": "Malformed signed note: {problem}",
    },
    "ledger.malformed_checkpoint": {
        "zh": "检查点格式错误：{problem}",
        "en": "Malformed checkpoint: {problem}",
    },
    "ledger.float_in_payload": {
        "zh": "签名内容中不允许浮点数（位置 {path}）",
        "en": "Floats are not allowed in signed payloads (at {path})",
    },
    "ledger.missing_subtree": {
        "zh": "日志缺少子树哈希（层 {level}，序号 {index}）",
        "en": "The log lacks a subtree hash (level {level}, index {index})",
    },
    "ledger.ambiguous_verifier": {
        "zh": "验证密钥“{name}”（{key_id}）重复且不一致",
        "en": "Verifier '{name}' ({key_id}) is given twice with different keys",
    },
    "ledger.bad_key_name": {
        "zh": "密钥名称“{name}”无效（不得含空格或“+”）",
        "en": "Key name '{name}' is not valid (no spaces or '+')",
    },
    "ledger.bad_leaf_hash": {
        "zh": "第 {position} 个叶子哈希长度不是 {expected_bytes} 字节",
        "en": "Leaf hash {position} is not {expected_bytes} bytes",
    },
    "ledger.bad_log_key": {
        "zh": "日志密钥无效：{problem}",
        "en": "Bad log key: {problem}",
    },
    "ledger.bad_private_key": {
        "zh": "私钥无效，应为 {expected}",
        "en": "Bad private key; expected {expected}",
    },
    "ledger.bad_row": {
        "zh": "子树行无效（层 {level}，序号 {index}，最大层 {max_level}）",
        "en": "Bad subtree row (level {level}, index {index}, max level {max_level})",
    },
    "ledger.bad_timestamp": {
        "zh": "时间戳无效：{problem}",
        "en": "Bad timestamp: {problem}",
    },
    "ledger.integer_out_of_range": {
        "zh": "签名内容中的整数超出范围（位置 {path}）",
        "en": "An integer in a signed payload is out of range (at {path})",
    },
    "ledger.invalid_string": {
        "zh": "签名内容中的字符串无效（位置 {path}）：{problem}",
        "en": "Invalid string in a signed payload (at {path}): {problem}",
    },
    "ledger.malformed_sealed_key": {
        "zh": "加密私钥格式错误：{problem}",
        "en": "Malformed sealed key: {problem}",
    },
    "ledger.malformed_vkey": {
        "zh": "验证密钥格式错误：{problem}",
        "en": "Malformed verifier key: {problem}",
    },
    "ledger.non_ascii_member": {
        "zh": "信封的键必须是 ASCII 字符串（收到：{keys}）",
        "en": "Envelope keys must be ASCII strings (got: {keys})",
    },
    "ledger.non_string_key": {
        "zh": "签名内容的键必须是字符串（位置 {path}）",
        "en": "Keys in a signed payload must be strings (at {path})",
    },
    "ledger.not_canonicalisable": {
        "zh": "内容无法规范化编码（位置 {path}）：{problem}",
        "en": "The payload cannot be canonically encoded (at {path}): {problem}",
    },
    "ledger.payload_too_deep": {
        "zh": "签名内容嵌套过深（位置 {path}，上限 {max_depth}）",
        "en": "The signed payload is nested too deeply (at {path}, limit {max_depth})",
    },
    "ledger.store_conflict": {
        "zh": "日志中已有不同的子树哈希（层 {level}，序号 {index}）",
        "en": "The log already holds a different subtree hash (level {level}, index {index})",
    },
    "ledger.store_gap": {
        "zh": "日志写入出现空缺（层 {level}，序号 {index}，应为 {next_index}）",
        "en": "A gap in the log write (level {level}, index {index}, expected {next_index})",
    },
    "ledger.unknown_suite": {
        "zh": "未知的密码套件“{name}”，可选：{known}",
        "en": "Unknown cipher suite '{name}'; known: {known}",
    },
    "ledger.unsupported_type": {
        "zh": "签名内容中不支持的类型 {type}（位置 {path}）",
        "en": "Unsupported type {type} in a signed payload (at {path})",
    },
    "ledger.unverified_note": {
        "zh": "签名便笺未能核验：{problem}",
        "en": "The signed note does not verify: {problem}",
    },
    "access.role_required": {
        "zh": "您的角色不能执行“{command}”，需要角色：{allowed}",
        "en": "Your roles do not allow '{command}'; it needs one of: {allowed}",
    },
    "access.not_your_department": {
        "zh": "无权查看部门“{department}”的待办",
        "en": "You may not read the inbox of '{department}'",
    },
    "account.username_taken": {
        "zh": "用户名“{username}”已被使用",
        "en": "Username '{username}' is taken",
    },
    "account.bad_role": {
        "zh": "角色“{value}”无效，可选：{allowed}",
        "en": "Role '{value}' is not valid; allowed: {allowed}",
    },
    "account.bad_username": {
        "zh": "用户名“{value}”无效：至少 3 个字符，仅限字母、数字、-、_",
        "en": "Username '{value}' is not valid: at least 3 letters, digits, - or _",
    },
    "account.weak_password": {
        "zh": "密码至少需要 {min_length} 个字符",
        "en": "The password needs at least {min_length} characters",
    },
    "account.staff_needs_department": {
        "zh": "工作人员账号必须属于一个部门",
        "en": "A staff account must belong to a department",
    },
    "account.citizen_has_no_department": {
        "zh": "群众账号不属于任何部门",
        "en": "A citizen account belongs to no department",
    },
    "account.bad_credentials": {
        "zh": "用户名或密码不正确",
        "en": "Wrong username or password",
    },
    "account.bad_token": {
        "zh": "登录已失效，请重新登录",
        "en": "The sign-in has expired; sign in again",
    },
    "account.sign_in_required": {
        "zh": "请先登录",
        "en": "Please sign in first",
    },
    "place.not_found": {
        "zh": "地址“{text}”未能对应到任何行政区划",
        "en": "The address '{text}' matches no jurisdiction",
    },
    "place.ambiguous": {
        "zh": "地址“{text}”有多个可能：{candidates}；请补充省、市或区县",
        "en": "The address '{text}' is ambiguous: {candidates}; add the province, city or county",
    },
    "place.bad_crs": {
        "zh": "坐标系“{value}”无效，可选：{allowed}",
        "en": "Coordinate system '{value}' is not valid; allowed: {allowed}",
    },
    "place.outside_china": {
        "zh": "坐标（{lat}, {long}）不在中国境内",
        "en": "The point ({lat}, {long}) is not in China",
    },
    "case.unknown_tracking_code": {
        "zh": "查询码不正确，请核对后重试",
        "en": "That tracking code matches no case; check it and try again",
    },
    "scope.not_initialised": {
        "zh": "数据库尚未初始化，请先运行 liandong init",
        "en": "The database is not initialised; run liandong init first",
    },
    "simulation.bad_config": {
        "zh": "仿真参数有误（{source}）：“{key}”{problem}",
        "en": "Bad simulation parameter in {source}: '{key}' {problem}",
    },
    "simulation.bad_key": {
        "zh": "没有名为“{key}”的仿真参数（用点号连接的键名，如 handling.capacity）",
        "en": "No simulation parameter named '{key}' (dotted keys such as handling.capacity)",
    },
    "simulation.bad_override": {
        "zh": "参数覆盖“{value}”的格式应为 键=值，如 handling.capacity=2",
        "en": "Override '{value}' must read key=value, e.g. handling.capacity=2",
    },
    "simulation.bad_mode": {
        "zh": "未知的治理模式“{value}”，可选：{allowed}",
        "en": "Unknown governance mode '{value}'; allowed: {allowed}",
    },
    "simulation.empty_scope": {
        "zh": "范围“{scope}”内没有乡级单位，无法生成诉求",
        "en": "Scope '{scope}' has no township-level units to generate reports for",
    },
    "simulation.bad_texts": {
        "zh": "诉求文本模板有误（{source}）：{problem}",
        "en": "Bad report text templates in {source}: {problem}",
    },
    "web.bad_line": {
        "zh": "“{value}”格式不对，应为：{form}",
        "en": "'{value}' is not in the expected form: {form}",
    },
    "web.csrf": {
        "zh": "表单已过期或来源不明（CSRF 校验未通过），请刷新页面后重试",
        "en": "The form has expired or did not come from this site (CSRF check failed); reload the page and try again",
    },
    "account.too_many_attempts": {
        "zh": "登录尝试过于频繁，请一分钟后再试",
        "en": "Too many sign-in attempts; try again in a minute",
    },
    "web.bad_datetime": {
        "zh": "时间“{value}”格式不正确，应为 年-月-日 时:分",
        "en": "The time '{value}' is not valid; use year-month-day hour:minute",
    },
}
