"""Refusal texts: accounts and the web, assessment, demand insight, simulation and backups."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "store.conflict": {
        "zh": "与同时执行的另一条命令相互等待（数据库死锁），本命令未作任何更改，请重试",
        "en": "Another command running at the same moment held what this one needed (a database "
              "deadlock); nothing was applied — retry",
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
    "assessment.freeze_sandbox": {
        "zh": "这是演练库：其时间可以模拟或补录，考核结果不固化，每次按库中数据计算",
        "en": "This is a sandbox store: its times may be simulated or claimed, so its results are never frozen; they are computed from the store each time",
    },
    "assessment.freeze_fair": {
        "zh": "考核规则设有停表或不合理诉求认定，需逐案读取认定，结果不固化",
        "en": "The rules stop the clock or exclude unreasonable demands, which are read case by case: such results are not frozen",
    },
    "assessment.rules_invalid": {
        "zh": "考核规则文件 {path} 有误：{error}",
        "en": "The assessment rules {path} are not valid: {error}",
    },
    "assessment.bad_weight": {
        "zh": "考核规则文件 {path} 中 composite 节的综合权重“{name}”（{value}）无效：须为可排名指标之一，取值 0–1；可选：{allowed}",
        "en": "Composite weight '{name}' ({value}) in section composite of the assessment rules {path} is not valid: it must be a rankable indicator, weighted 0–1; allowed: {allowed}",
    },
    "assessment.weights_sum": {
        "zh": "考核规则文件 {path} 中 composite 节的综合权重之和为 {total}，应为 1：{weights}",
        "en": "The weights of section composite in the assessment rules {path} add up to {total}, not 1: {weights}",
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
    "backup.malformed": {"zh": "备份文件“{file}”无法使用：{problem}", "en": "The backup file '{file}' cannot be used: {problem}"},
    "backup.damaged": {"zh": "备份文件“{file}”已损坏：内容不完整或被改动（压缩数据或归档结构校验不通过），无法从中恢复；请换用一份完好的备份", "en": "The backup file '{file}' is damaged: it is incomplete or altered (its compressed data or archive structure do not check out), so nothing can be restored from it; use an intact copy of the backup"},
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
    "backup.unsigned": {"zh": "备份文件“{file}”的格式版本为 {version}，其清单未经签名（自格式版本 {signed_since} 起才签名），无法确认它未被改动，因此不予恢复；请用写出它的联动版本（{software}）恢复后，重新做一份签名的备份", "en": "The backup file '{file}' has format version {version}, whose manifest is not signed (manifests are signed from format version {signed_since}); nothing shows it was not altered, so it is not restored. Restore it with the Liandong release that wrote it ({software}), then take a new, signed backup"},
    "backup.bad_signature": {"zh": "备份文件“{file}”的清单签名与节点密钥 {key} 不符：备份写出后清单或其所述内容被改动过（例如改了数据库又重算了校验和），不予恢复，目标未作任何改动", "en": "The manifest signature of the backup file '{file}' does not verify with the node key {key}: the manifest, or what it describes, was changed after the backup was written (e.g. the database edited and its checksum recomputed). Nothing was restored"},
    "backup.other_key": {"zh": "备份文件“{file}”的清单由另一把密钥（{found}）签名，而不是应核对的节点密钥 {expected}；不予恢复。若它确实来自另一节点，请用 --node-key 给出该节点的公钥（从运维档案中取，不要从备份文件中取）", "en": "The manifest of the backup file '{file}' is signed by another key ({found}), not the node key {expected} it is checked against; nothing was restored. If it really comes from another node, give that node's public key with --node-key (from the operations file, never from the archive)"},
    "backup.no_node_key": {"zh": "无法核对备份文件“{file}”的签名：本机没有节点密钥（keys/node.pub）。请用 --node-key 给出备份节点的公钥（liandong backup 输出、记录在运维档案中的 liandong-node+…）；备份自称由 {claimed} 签名，但不能以备份文件本身为准", "en": "Cannot check the signature of the backup file '{file}': this installation has no node key (keys/node.pub). Give the backing-up node's public key with --node-key (the liandong-node+… printed by liandong backup and kept in the operations file); the archive claims to be signed by {claimed}, but the archive cannot vouch for itself"},
    "backup.bad_node_key": {"zh": "节点公钥 {key} 无法使用：{problem}", "en": "The node key {key} cannot be used: {problem}"},
    "backup.fork": {"zh": "备份中的共享记录（{restored} 条）不是本系统现有记录（{current} 条）的早先状态：两者在前 {restored} 条处的根不同（分叉），不予恢复。请先用 liandong ledger verify 查明现有记录，或恢复到一个空数据库", "en": "The backup's log ({restored} entries) is not an earlier state of this installation's log ({current} entries): their roots at size {restored} differ (a fork), so nothing was restored. Check the installation's log with liandong ledger verify first, or restore into an empty database"},
    "backup.rollback": {"zh": "此次恢复将把共享记录从 {current} 条退回到 {restored} 条；已联署 {cosigned} 条的见证方将看到一次回滚。确认恢复请加 --accept-rollback", "en": "This restore returns the log from {current} to {restored} entries; witnesses that cosigned size {cosigned} will see a rollback. Add --accept-rollback to proceed"},
    "backup.rollback_uncosigned": {"zh": "此次恢复将把共享记录从 {current} 条退回到 {restored} 条，第 {restored} 条之后的记录将丢失（见证方最近联署到 {cosigned} 条，尚未见到它们）。确认恢复请加 --accept-rollback", "en": "This restore returns the log from {current} to {restored} entries; the entries after {restored} are lost (witnesses last cosigned size {cosigned} and have not seen them). Add --accept-rollback to proceed"},
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
    "web.bad_number": {
        "zh": "“{value}”不是整数",
        "en": "'{value}' is not a whole number",
    },
    "store.live_claimed_time": {
        "zh": "这是正式库，不接受人为指定的事件时间（--at {claimed}）：事件时间一律是平台提交时的时钟，考核与时限都按它计算。"
              "申报时间（--at）只能用于以 liandong init --sandbox 初始化的演练库，并记在平台时间旁、标明“申报”。"
              "请去掉 --at 再执行",
        "en": "This is a live store: it takes no event time given by a person (--at {claimed}). An event's time is "
              "always the platform's clock when it is committed, and assessment and deadlines count from it. A claimed "
              "time (--at) is allowed only in a sandbox store (initialised with liandong init --sandbox), where it is "
              "recorded beside the platform's time and marked as claimed. Run the command again without --at",
    },
    "store.live_clock": {
        "zh": "这是正式库，平台时钟只能是系统时钟，不能用模拟时钟（{clock}）记录事件：模拟时钟只能用于以 "
              "liandong init --sandbox 初始化的演练库（如 liandong demo 生成的演示库）",
        "en": "This is a live store: the platform's clock is the system's, and no simulated clock ({clock}) may "
              "record events here. A simulated clock is allowed only in a sandbox store, initialised with "
              "liandong init --sandbox (as liandong demo does)",
    },
    "store.sandbox_mark": {
        "zh": "演练库：本库以 liandong init --sandbox 初始化，其中的时间可能是模拟的或申报的，不是正式记录",
        "en": "Sandbox store: initialised with liandong init --sandbox; its times may be simulated or claimed, "
              "and it is not a live record",
    },
    "store.claimed_mark": {"zh": "申报时间 {claimed}", "en": "claimed {claimed}"},
    "store.is_live": {
        "zh": "此库已作为正式库初始化，不能再按演练库（--sandbox）初始化：正式库与演练库在首次初始化时确定，之后不可更改。"
              "演练请另用一个数据目录或数据库，以 liandong init --sandbox 初始化",
        "en": "This store was initialised as a live store and cannot be initialised as a sandbox (--sandbox): a "
              "store is live or a sandbox from its first initialisation on. For training, use another data "
              "directory or database and initialise it with liandong init --sandbox",
    },
    "store.is_sandbox": {
        "zh": "此库已作为演练库初始化（liandong init --sandbox），不能改为正式库：演练库中的时间可能是模拟的或申报的，"
              "不能成为正式记录。正式使用请另用一个数据目录或数据库，以 liandong init 初始化",
        "en": "This store was initialised as a sandbox (liandong init --sandbox) and cannot become a live store: its "
              "times may be simulated or claimed, and cannot stand as a live record. For live use, take another data "
              "directory or database and initialise it with liandong init",
    },
    "web.console_action": {
        "zh": "派单台不办理“{value}”，可办理：{allowed}（其他操作在案件页）",
        "en": "The dispatch console does not take '{value}'; it takes: {allowed} (other actions are on the case page)",
    },
    "web.batch_empty": {
        "zh": "没有选中诉求：请勾选要批量派单的诉求",
        "en": "No report selected: tick the reports to dispatch together",
    },
    "web.batch_too_large": {
        "zh": "一次选中了 {count} 件，批量派单一次最多 {most} 件",
        "en": "{count} reports selected; a batch dispatch takes at most {most}",
    },
    "web.lead_name_required": {
        "zh": "请输入承办单位名称（如 崇安寺派出所），从列出的单位中选择",
        "en": "Type the lead department's name (e.g. 崇安寺派出所) and choose one from the list",
    },
    "web.lead_unknown": {
        "zh": "本案发生地可派的单位中没有“{name}”，请从列表中选择单位全称；相近的有：{close}",
        "en": "No department named '{name}' may lead this case here; choose a full name from the list. Closest: {close}",
    },
    "web.bad_datetime": {
        "zh": "时间“{value}”格式不正确，应为 年-月-日 时:分",
        "en": "The time '{value}' is not valid; use year-month-day hour:minute",
    },
}
