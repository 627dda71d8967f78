"""Refusal texts: the linkage instruments."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "instrument.no_rectification": {
        "zh": "督查 {id} 尚未交办任何整改任务（已报送发现 {findings} 条）：请先交办整改任务并核验通过，或在“例外说明”中写明无需整改的理由",
        "en": "Inspection {id} has no rectification task ({findings} findings reported): assign rectification tasks and verify them, or give the reason no rectification is needed as the justification",
    },
    "instrument.below_target": {
        "zh": "试点未达目标：{gaps}。未达标仍推广须在“例外说明”中写明理由",
        "en": "The pilot falls short of its targets: {gaps}. Scaling it up below target needs a justification",
    },
    "instrument.evidence_unknown": {
        "zh": "依据“{ref}”不存在：请写{allowed}",
        "en": "Evidence '{ref}' does not exist: cite a case number (e.g. 320200-20261206-0123), a case id or an instrument id",
    },
    "instrument.evidence_outside": {
        "zh": "依据“{ref}”不在 {issuer} 的辖区内，不能作为其表扬或批评的依据",
        "en": "Evidence '{ref}' lies outside the jurisdiction of {issuer} and cannot support its commendation or criticism",
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
    "instrument.task_above": {
        "zh": "{issuer} 只能向本辖区内的部门交办任务（指导督促）；{owner} 不在其辖区内，可邀请参加但不能交办",
        "en": "{issuer} may task only departments inside its own jurisdiction (guidance and supervision); {owner} is outside it: it may be invited, not tasked",
    },
    "instrument.owner_not_addressee": {
        "zh": "任务承办部门 {owner} 不是本事项的对象部门：{allowed}",
        "en": "Task owner {owner} is not addressed by this instrument: {allowed}",
    },
    "instrument.bad_quantity": {
        "zh": "数量“{value}”超出范围，应在 {allowed} 之间",
        "en": "Quantity '{value}' is out of range; allowed: {allowed}",
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
}
