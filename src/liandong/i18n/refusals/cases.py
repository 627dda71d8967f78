"""Refusal texts: the case closed loop: commands, events, deadlines and who may act."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "case.not_dispatched": {
        "zh": "案件 {case_id} 尚未派单：不合理诉求由派单的中心认定",
        "en": "Case {case_id} has not been dispatched: the centre that dispatches it adjudicates the request",
    },
    "case.bad_finding": {
        "zh": "认定“{value}”无效，可选：{allowed}（不合理诉求、超出政府职能、合理诉求）",
        "en": "Finding '{value}' is not valid; allowed: {allowed}",
    },
    "case.already_adjudicated": {
        "zh": "案件 {case_id} 已作出不合理诉求认定；对认定有异议请申诉",
        "en": "Case {case_id} has been adjudicated already; contest the finding by an appeal",
    },
    "case.not_adjudicated": {
        "zh": "案件 {case_id} 尚无不合理诉求认定，无从申诉",
        "en": "Case {case_id} has no finding to appeal",
    },
    "case.already_appealed": {
        "zh": "案件 {case_id} 的认定已申诉过一次，申诉裁定为终局",
        "en": "The finding on case {case_id} has been appealed once already; the appeal ruling is final",
    },
    "case.appeal_too_late": {
        "zh": "申诉时限已过（{deadline}）",
        "en": "The time to appeal has passed ({deadline})",
    },
    "case.no_appeal_pending": {
        "zh": "案件 {case_id} 没有待裁定的申诉",
        "en": "Case {case_id} has no appeal awaiting a ruling",
    },
    "case.bad_appeal_ruling": {
        "zh": "申诉裁定“{value}”无效，可选：{allowed}",
        "en": "Appeal ruling '{value}' is not valid; allowed: {allowed}",
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
    "case.bad_photo_key": {
        "zh": "附件（照片、文件）须以所存内容的 SHA-256 摘要（64 位十六进制）引用",
        "en": "An attachment (photo, document) is referred to by the SHA-256 of what was kept (64 hexadecimal digits)",
    },
    "case.bad_return_category": {
        "zh": "退单理由类别“{value}”无效，可选：{allowed}（不属于本单位职责、管辖区域有误、诉求不明确、超出政府职能）",
        "en": "Return category '{value}' is not valid; allowed: {allowed}",
    },
    "case.ruling_binds": {
        "zh": "{lead} 已由编办仲裁裁定承办本件，裁定具有约束力，不能再次退单",
        "en": "{lead} was bound by an arbitration ruling to handle this case and may not return it again",
    },
    "case.ruling_required": {
        "zh": "仲裁裁定须写明裁定意见（该裁定具有约束力，并将提请修订派单目录）",
        "en": "An arbitration must state its ruling (it binds, and is proposed as a change of the dispatch catalogue)",
    },
    "case.bad_decision": {
        "zh": "裁定“{value}”无效，可选：{allowed}",
        "en": "Decision '{value}' is not valid; allowed: {allowed}",
    },
    "case.bad_shown": {
        "zh": "公开审核的选择“{value}”无效，可选：{allowed}（yes 恢复公开，no 撤下）",
        "en": "Moderation choice '{value}' is not valid; allowed: {allowed} (yes: put back, no: take off)",
    },
    "case.moderation_reason": {
        "zh": "撤下或恢复公开须写明理由（记入案件记录，说明谁因何撤下）",
        "en": "Taking a report off the public feed, or putting it back, needs a reason (it is kept in the case's record)",
    },
    "case.not_public": {
        "zh": "案件 {case_id} 的诉求人未同意公开，本就不在公开栏目中",
        "en": "The reporter of case {case_id} did not agree to publication: it was never on the public feed",
    },
    "case.already_withheld": {
        "zh": "案件 {case_id} 已从公开栏目撤下",
        "en": "Case {case_id} has been taken off the public feed already",
    },
    "case.not_withheld": {
        "zh": "案件 {case_id} 未被撤下，仍在公开栏目中",
        "en": "Case {case_id} has not been taken off the public feed; it is shown",
    },
    "case.bad_heat": {
        "zh": "舆情热度“{value}”超出范围，应为 {allowed}",
        "en": "Heat '{value}' is out of range; allowed: {allowed}",
    },
    "case.bad_mode": {
        "zh": "报到方式“{value}”无效，可选：{allowed}",
        "en": "Reporting mode '{value}' is not valid; allowed: {allowed}",
    },
    "case.not_sampled": {
        "zh": "案件 {case_id} 不在回访核实的抽样之中：核实只对抽中的案件进行（约十分之一，按案件编号固定抽取）",
        "en": "Case {case_id} is not in the follow-up verification sample (about one in ten, drawn from the case id)",
    },
    "case.already_verified": {
        "zh": "案件 {case_id} 已完成回访核实，每件只核实一次",
        "en": "Case {case_id} has been verified already; each case is verified once",
    },
    "case.not_followed_up": {
        "zh": "案件 {case_id} 尚未回访，回访之后才能核实",
        "en": "Case {case_id} has not been followed up yet; verify after the follow-up",
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
    "case.escalation_ceiling": {
        "zh": "不能提级：{matter}（{severity}）的提级上限为{ceiling}，案件已由{level}负责（总揽不包办）；可申请上级资源支持，超期时由上级督办",
        "en": "Cannot escalate: the escalation ceiling of {matter_en} ({severity}) is the {ceiling} level and the {level} level already owns the case; ask the level above for resources instead, and it supervises a breach",
    },
    "power.not_granted": {
        "zh": "{department}不能{command}：{level}的治理要素（{elements}）不含“{action}”；可以{command}的层级：{allowed}",
        "en": "{department}: '{command}' refused: the governance elements of the {level} level ({elements_en}) do not grant '{action}'; levels that may: {allowed}",
    },
    "power.government_only": {
        "zh": "{department}不能{command}：{level}的“{action}”（治理要素：{elements}）由属地政府行使，应由{government}办理",
        "en": "{department}: '{command}' refused: at the {level} level '{action}' (governance elements: {elements_en}) belongs to the territorial government; {government} does it",
    },
    "power.outside_jurisdiction": {
        "zh": "{department}不能{command}：案件所涉区划（{places}）不在{area}内，应由所在地的派单中心办理",
        "en": "{department}: '{command}' refused: the case's places ({places}) lie outside {area}; the dispatching centre of the place does it",
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
    "case.not_member": {
        "zh": "{department} 不是本案办理团队的成员，不能留言：留言仅限团队成员、派单中心和本案正在等待其办理的单位",
        "en": "{department} is not a member of this case's team: only members, the dispatching centre and departments the case waits on may post messages",
    },
    "case.message_empty": {
        "zh": "留言内容不能为空",
        "en": "A message cannot be empty",
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
    "place.outside_area": {
        "zh": "“{place}”不在本平台服务范围内（本平台服务：{area}），请向当地 12345 热线反映",
        "en": "'{place}' is outside the area this platform serves ({area}); please contact the local "
              "12345 hotline",
    },
    "case.lead_out_of_reach": {
        "zh": "不能改派给“{lead}”：只能改派给{area}内、本案所涉地点的部门",
        "en": "The case cannot be sent to '{lead}': only departments in {area} on the way from the "
              "case's places are allowed",
    },
    "case.place_out_of_reach": {
        "zh": "不能添加“{place}”：只能添加{area}内的地点",
        "en": "'{place}' cannot be added: only places in {area} are allowed",
    },
    "command.failed": {
        "zh": "命令“{command}”执行时出现内部错误（{error}），未作任何更改，已记录待查；同批其他命令不受影响",
        "en": "Command '{command}' failed with an internal error ({error}); nothing was changed and the error "
              "was logged; other commands were not affected",
    },
    "command.unknown": {
        "zh": "未知的命令“{value}”",
        "en": "Unknown command '{value}'",
    },
    "event.unknown_type": {
        "zh": "未知的事件类型“{value}”",
        "en": "Unknown event type '{value}'",
    },
    "time.naive": {
        "zh": "时间“{value}”缺少时区",
        "en": "Time '{value}' has no time zone",
    },
    "time.claimed_after_recorded": {
        "zh": "申报时间 {claimed} 晚于平台记录时间 {recorded}：申报的是已经发生之事的时间，不能晚于平台记录它的时间",
        "en": "The claimed time {claimed} is after the recorded time {recorded}: a claim names when something "
              "already happened, so it cannot be later than the moment the platform records it",
    },
    "time.out_of_range": {
        "zh": "时间“{value}”超出允许范围，应不晚于 {allowed}（北京时间）",
        "en": "Time '{value}' is out of range; it may be at most {allowed} (Beijing time)",
    },
    "access.role_required": {
        "zh": "您的角色不能执行“{command}”，需要角色：{allowed}",
        "en": "Your roles do not allow '{command}'; it needs one of: {allowed}",
    },
    "access.not_your_department": {
        "zh": "无权查看部门“{department}”的待办",
        "en": "You may not read the inbox of '{department}'",
    },
    "case.unknown_tracking_code": {
        "zh": "查询码不正确，请核对后重试",
        "en": "That tracking code matches no case; check it and try again",
    },
}
