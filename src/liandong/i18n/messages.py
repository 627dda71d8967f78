"""Messages in Chinese (default) and English, for errors and labels at every edge.

The domain raises codes with parameters; the CLI, the API and the pages render them here in
the user's language, so a refusal always says what was wrong and what is allowed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from liandong.domain.cases.routing import Role
from liandong.domain.catalogue import Catalogue
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Kind, Level
from liandong.domain.worktime import SHANGHAI
from liandong.i18n import DEFAULT, LANGUAGES, name_of, pick, resolve, words
from liandong.i18n.knowledge import FIELD_NAMES
from liandong.i18n.refusals import MESSAGES as TEXTS
from liandong.i18n.refusals.ledger import TILE_PATH_WORDS

MESSAGES = TEXTS  # every refusal by code: see the liandong.i18n.refusals package

LEVEL_NAMES: dict[Level, dict[str, str]] = {
    Level.CENTRAL: {"zh": "中央", "en": "central"},
    Level.PROVINCE: {"zh": "省级", "en": "province"},
    Level.CITY: {"zh": "市级", "en": "city"},
    Level.COUNTY: {"zh": "县级", "en": "county"},
    Level.TOWNSHIP: {"zh": "乡级", "en": "township"},
}

KIND_NAMES: dict[Kind, dict[str, str]] = {
    Kind.COUNTRY: {"zh": "国家", "en": "country"},
    Kind.PROVINCE: {"zh": "省", "en": "province"},
    Kind.AUTONOMOUS_REGION: {"zh": "自治区", "en": "autonomous region"},
    Kind.MUNICIPALITY: {"zh": "直辖市", "en": "municipality"},
    Kind.SAR: {"zh": "特别行政区", "en": "special administrative region"},
    Kind.PREFECTURE_CITY: {"zh": "地级市", "en": "prefecture-level city"},
    Kind.AUTONOMOUS_PREFECTURE: {"zh": "自治州", "en": "autonomous prefecture"},
    Kind.PREFECTURE: {"zh": "地区", "en": "prefecture"},
    Kind.LEAGUE: {"zh": "盟", "en": "league"},
    Kind.DISTRICT: {"zh": "市辖区", "en": "district"},
    Kind.COUNTY: {"zh": "县", "en": "county"},
    Kind.AUTONOMOUS_COUNTY: {"zh": "自治县", "en": "autonomous county"},
    Kind.COUNTY_CITY: {"zh": "县级市", "en": "county-level city"},
    Kind.BANNER: {"zh": "旗", "en": "banner"},
    Kind.AUTONOMOUS_BANNER: {"zh": "自治旗", "en": "autonomous banner"},
    Kind.FORESTRY_DISTRICT: {"zh": "林区", "en": "forestry district"},
    Kind.SPECIAL_DISTRICT: {"zh": "特区", "en": "special district"},
    Kind.SUBDISTRICT: {"zh": "街道", "en": "subdistrict"},
    Kind.TOWN: {"zh": "镇", "en": "town"},
    Kind.TOWNSHIP: {"zh": "乡", "en": "township"},
    Kind.ETHNIC_TOWNSHIP: {"zh": "民族乡", "en": "ethnic township"},
    Kind.SUMU: {"zh": "苏木", "en": "sumu"},
    Kind.ETHNIC_SUMU: {"zh": "民族苏木", "en": "ethnic sumu"},
    Kind.DISTRICT_OFFICE: {"zh": "区公所", "en": "district office"},
    Kind.OTHER: {"zh": "其他", "en": "other"},
}


ROLE_NAMES: dict[Role, dict[str, str]] = {
    Role.LEAD: {"zh": "主办", "en": "lead"},
    Role.ASSIST: {"zh": "协办", "en": "assist"},
    Role.SUPERVISE: {"zh": "督办", "en": "supervise"},
    Role.OBSERVE: {"zh": "观察", "en": "observe"},
    Role.SUMMONED: {"zh": "吹哨报到", "en": "summoned"},
}

SEVERITY_NAMES: dict[str, tuple[str, str]] = {
    "routine": ("一般诉求", "Routine"), "IV": ("Ⅳ级（一般）", "Level IV"), "III": ("Ⅲ级（较大）", "Level III"),
    "II": ("Ⅱ级（重大）", "Level II"), "I": ("Ⅰ级（特别重大）", "Level I")}
"""A case's severity, in words."""

REASON_NAMES: dict[str, dict[str, str]] = {
    key: {"zh": zh, "en": en} for key, zh, en in (
        ("lead_system", "牵头系统", "lead system"), ("executor", "属地执行", "executes on the ground"),
        ("assisting_system", "协办系统", "assisting system"), ("co_presence", "共同在场", "co-presence"),
        ("observer", "观察", "observer"), ("summons", "吹哨报到", "summons"),
        ("redo", "重办督办", "supervises the redo"), ("breach", "超期督办", "supervises a breach"),
        ("heat", "舆情督办", "public-opinion supervision"),
        ("ceiling", "提级上限督办", "supervises above the escalation ceiling"), ("dispatch", "派单", "dispatch"),
        ("lead change", "主办变更", "lead changed"),
        ("scope", "影响范围", "scope"), ("severity", "事件等级", "severity"),
        ("authority", "职权层级", "authority"), ("escalation", "提级", "escalation"),
        ("missing_level", "层级缺失", "missing level"), ("fallback_government", "属地兜底", "fallback"),
        ("responsibility_gap", "职责空白", "responsibility gap"),
    )
}

REASON_TEXT: dict[str, dict[str, str]] = {
    "scope": {"zh": "所涉区划的最近共同上级为{0}（{1}）", "en": "the lowest common ancestor of the places is {0} ({1})"},
    "severity": {"zh": "{0}级事件至少由{1}负责", "en": "a level-{0} event is owned at least at {1} level"},
    "authority": {"zh": "“{0}”的权限在{1}", "en": "the power over '{0}' lies at {1} level"},
    "escalation": {"zh": "提级至{0}", "en": "escalated to {0} level"},
    "missing_level": {"zh": "该区划无{0}，由上级{1}承担", "en": "no {0} level in this branch; {1} acts for it"},
    "lead_system": {"zh": "由牵头系统（{0}）在{1}的部门主办", "en": "the {0} department of {1} leads"},
    "fallback_government": {"zh": "{0}系统在{1}无对应部门，由属地政府兜底",
                            "en": "{0} has no department in {1}; its government leads (fallback)"},
    "responsibility_gap": {"zh": "职责清单未明确“{0}”的牵头系统，属地政府兜底并标记职责空白",
                           "en": "the responsibility list names no lead system for '{0}'; the government leads and a gap is flagged"},
    "catalogue": {"zh": "依{0}派单目录 {1} 版（{2} 起施行）：{3}",
                  "en": "by the dispatch catalogue of {0}, version {1} (in force from {2}): {3}"},
}

CATALOGUE_FIELDS: dict[str, dict[str, str]] = {
    "zh": {"lead": "牵头系统", "assist": "协办系统", "authority": "权限层级", "limits": "办理时限",
           "keywords": "关键词", "added": "本地新增事项", "sep": "、", "tail": "{0}按地方目录"},
    "en": {"lead": "lead system", "assist": "assisting systems", "authority": "authority level",
           "limits": "time limits", "keywords": "keywords", "added": "a locally added matter", "sep": ", ",
           "tail": "{0} as the local catalogue sets them"},
}
"""The fields a local catalogue decided, as the routing reason names them."""


def reason_text(reason: Sequence[str], lang: str, catalogue: Catalogue) -> str:
    """A routing reason ``(rule, *facts)`` as a sentence in ``lang``."""
    rule, *args = reason
    if rule == "catalogue" and len(args) == 4:
        args = [*args[:3], catalogue_fields(args[3], lang)]
    shown = []
    for arg in args:
        if arg in catalogue.systems:
            shown.append(name_of(catalogue.systems[arg], lang))
        elif arg in catalogue.matters:
            shown.append(name_of(catalogue.matters.get(arg), lang))
        elif arg in {lv.key for lv in Level}:
            shown.append(level_name(Level.parse(arg), lang))
        else:
            shown.append(arg)
    template = REASON_TEXT.get(rule, {}).get(resolve(lang))
    return template.format(*shown) if template else f"{rule}: {', '.join(shown)}"


def catalogue_fields(fields: str, lang: str) -> str:
    """``lead+limits`` as the reader's words (牵头系统、办理时限按地方目录)."""
    names = words(CATALOGUE_FIELDS, lang)
    listed = names["sep"].join(names.get(f, f) for f in fields.split("+") if f)
    return listed if fields == "added" else names["tail"].format(listed)


EVENT_LABELS: dict[str, dict[str, str]] = {
    name: {"zh": zh, "en": en} for name, zh, en in (
        ("CaseReported", "受理", "reported"),
        ("CaseRouted", "路由", "routed"),
        ("CaseDispatched", "派单", "dispatched"),
        ("CaseAcknowledged", "签收", "acknowledged"),
        ("HandlingStarted", "开始处置", "handling started"),
        ("CaseReturned", "退单", "returned"),
        ("ReturnDecided", "退单裁定", "return decided"),
        ("CaseRedispatched", "改派", "re-dispatched"),
        ("MemberJoined", "成员加入", "member joined"),
        ("LeadChanged", "主办变更", "lead changed"),
        ("ExtensionRequested", "申请延期", "extension requested"),
        ("ExtensionDecided", "延期审批", "extension decided"),
        ("ResourceRequested", "资源申请", "resource requested"),
        ("ResourceDecided", "资源决定", "resource decided"),
        ("CaseEscalated", "提级", "escalated"),
        ("CaseShelved", "挂账", "shelved"),
        ("CaseResumed", "恢复处置", "resumed"),
        ("CasePaused", "暂停计时", "clock paused"),
        ("CaseUnpaused", "恢复计时", "clock resumed"),
        ("SummonsIssued", "吹哨", "summons issued"),
        ("SummonsAnswered", "报到", "summons answered"),
        ("SummonedRated", "评价报到部门", "summoned department rated"),
        ("AssistReported", "协办反馈", "assist reported"),
        ("CaseResolved", "办结", "resolved"),
        ("CaseFollowedUp", "回访", "followed up"),
        ("MessagePosted", "留言", "message"),
        ("FollowUpAttempted", "回访未联系上", "follow-up call did not reach the reporter"),
        ("FollowUpVerified", "回访核实", "follow-up verified"),
        ("CaseReopened", "重办", "reopened"),
        ("CaseClosed", "归档", "closed"),
        ("PublicationAgreed", "同意公开描述", "publication agreed"),
        ("PublicationWithheld", "撤下公开", "taken off the public feed"),
        ("PublicationRestored", "恢复公开", "put back on the public feed"),
        ("ContactEmailGiven", "留下联系邮箱", "e-mail address given"),
        ("CaseMerged", "合并", "merged"),
        ("DuplicateAbsorbed", "接收重复件", "duplicate absorbed"),
        ("ScopeWidened", "范围扩大", "scope widened"),
        ("HeatChanged", "舆情热度", "heat changed"),
        ("ReportSupported", "群众附议", "a citizen's \"me too\""),
        ("MatterCorrected", "改类", "matter corrected"),
        ("ReminderSent", "提醒", "reminder"),
        ("CaseUrged", "催办", "urged"),
        ("SupervisionStarted", "督办", "supervision started"),
        ("CriticismRecorded", "通报批评", "circulated criticism"),
        ("EscalationHeld", "已达提级上限，转为上级督办", "held at the escalation ceiling: supervised from above"),
        ("RulingOverdue", "退单裁定超时，上级督办", "return not ruled on in time: supervised from above"),
        ("RequestAdjudicated", "不合理诉求认定", "request adjudicated"),
        ("AdjudicationAppealed", "对认定申诉", "finding appealed"),
        ("AppealRuled", "申诉裁定", "appeal ruled"),
    )
}


ACTION_NAMES: dict[str, tuple[str, str]] = {
    "issue_pilot": ("发布政策试点", "issue a policy pilot"), "evaluate_pilot": ("评估试点", "evaluate a pilot"),
    "contract_project": ("项目发包", "contract a project"), "issue_directive": ("指示批示", "issue a directive"),
    "commend": ("点名表扬", "commend"), "criticise": ("通报批评", "criticise"), "inspect": ("督导巡察", "inspect"),
    "assess": ("考核验收", "assess"), "brief": ("简报报送", "brief"), "share_experience": ("经验交流", "share experience"),
    "promote_experience": ("推广经验", "promote an experience"), "convene_symposium": ("召开座谈会", "convene a symposium"),
    "convene_training": ("组织培训", "convene training"), "convene_meeting": ("召开会议", "convene a meeting"),
    "allocate_resources": ("分配资源", "allocate resources"), "request_resources": ("申请资源", "request resources"),
    "handle_case": ("办理案件", "handle cases"), "dispatch_case": ("派单、改派与并单", "dispatch, re-dispatch and merge cases"),
    "supervise_case": ("督办案件", "supervise cases"), "summon": ("吹哨报到", "summon departments"),
    "report_problem": ("反映问题", "report problems"), "report_progress": ("报告进展", "report progress"),
    "publish_information": ("发布信息", "publish information"), "respond_public_opinion": ("舆情应对", "respond to public opinion"),
}
_LEVEL_BY_KEY = {level.key: names for level, names in LEVEL_NAMES.items()}


PARTY_NAMES: dict[str, tuple[str, str]] = {
    "lead": ("主办单位", "lead department"), "dispatcher": ("派单中心", "dispatching centre"),
    "assist": ("协办单位", "assisting department"), "decider": ("裁定单位", "deciding department"),
    "approver": ("审批单位", "approving department"),
    "appeal_decider": ("申诉裁定单位", "department ruling on the appeal"),
}
"""Who may take a step of a case (``case.not_allowed_actor``), in words."""


def _moment(value: str) -> str | None:
    """An ISO time with an offset among a refusal's facts, as a person reads it: Beijing time to the
    minute (``2026-12-15T09:30:00+00:00`` → ``2026-12-15 17:30``); None if it is not one."""
    if len(value) < 16 or value[10:11] != "T":
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.utcoffset() is None:
        return None
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def _localised(code: str, key: str, value: Any, lang: str) -> Any:
    """Level keys, parties, governance actions, the knowledge base's fields and times among a
    refusal's facts, in the reader's language (times in Beijing time); a refusal among them (the
    problem of one row of a file) rendered in full."""
    if isinstance(value, DomainError):
        return explain(value, lang)
    if not isinstance(value, str):
        return value
    if key in ("field", "column") and code.startswith("knowledge.") and value in FIELD_NAMES["zh"]:
        return words(FIELD_NAMES, lang)[value]
    if key == "who" and value in PARTY_NAMES:
        return pick(PARTY_NAMES[value], lang)
    local = _moment(value)
    if local is not None:
        return local
    if key in ("level", "ceiling") and value in _LEVEL_BY_KEY:
        return words(_LEVEL_BY_KEY[value], lang)
    if key == "severity" and value in SEVERITY_NAMES:
        return pick(SEVERITY_NAMES[value], lang)
    if key == "action" and value in ACTION_NAMES:
        return pick(ACTION_NAMES[value], lang)
    if key == "command" and code.startswith("power.") and value in _command_names():
        return pick(_command_names()[value], lang)
    if key in ("part", "allowed") and code == "ledger.bad_tile_path" and value in TILE_PATH_WORDS:
        return words(TILE_PATH_WORDS[value], lang)
    if key == "allowed" and code in ("instrument.not_granted", "power.not_granted"):
        return "、".join(words(_LEVEL_BY_KEY[v], lang) if v in _LEVEL_BY_KEY else v for v in value.split("、"))
    return value


def _command_names() -> dict[str, tuple[str, str]]:
    """The case commands' names by slug (派单, 改派 …), as they declare them."""
    from liandong.domain.cases.commands import COMMANDS
    from liandong.domain.declare import declaration

    return {slug: declaration(cls).name for slug, cls in COMMANDS.items()}


def render(code: str, lang: str = "zh", /, **params: Any) -> str:
    """The message for ``code`` in ``lang``; an unknown code still shows itself and its facts."""
    entry = MESSAGES.get(code)
    if entry is None:
        detail = ", ".join(f"{k}={v}" for k, v in params.items())
        return f"{code} ({detail})" if detail else code
    lang = resolve(lang)
    template = entry.get(lang) or entry[DEFAULT]
    safe = {k: ("—" if v in ("", None) else _localised(code, k, v, lang)) for k, v in params.items()}
    try:
        return template.format(**safe)
    except (KeyError, IndexError):
        return f"{template} {safe}"


def explain(error: DomainError, lang: str = "zh") -> str:
    params = error.params
    if error.code == "case.illegal_transition":  # the engine's codes, said in words
        from liandong.i18n.actions import transition_words

        params = transition_words(params, lang)
    return render(error.code, lang, **params)


def explain_lines(error: DomainError) -> str:
    """The refusal in every language, one line each, the first language first (a protocol's
    answer body, read by whoever operates the other end)."""
    return "".join(explain(error, language) + "\n" for language in LANGUAGES)


def level_name(level: Level, lang: str = "zh") -> str:
    return words(LEVEL_NAMES[level], lang)


def kind_name(kind: Kind, lang: str = "zh") -> str:
    return words(KIND_NAMES[kind], lang)


# -- linkage instruments ---------------------------------------------------------------------------
INSTRUMENT_KINDS: dict[str, tuple[str, str]] = {
    "pilot": ("政策试点", "Policy pilot"), "project": ("项目发包", "Project contract"),
    "directive": ("指示批示", "Directive"), "commendation": ("点名表扬", "Commendation"),
    "criticism": ("通报批评", "Circulated criticism"), "inspection": ("督导巡察", "Inspection"),
    "assessment": ("考核验收", "Assessment"), "briefing": ("简报报送", "Briefing"),
    "experience": ("经验交流", "Experience exchange"), "symposium": ("座谈会", "Symposium"),
    "training": ("进修培训", "Training"), "meeting": ("会议", "Meeting"), "resource": ("资源申请", "Resource request"),
}
INSTRUMENT_DECISIONS: dict[str, tuple[str, str]] = {
    "scale_up": ("推广", "scale up"), "extend": ("延长", "extend"), "stop": ("终止", "stop"),
    "accepted": ("验收通过", "accepted"), "rejected": ("验收不通过", "rejected"), "closed": ("结案", "close"),
    "published": ("公布结果", "publish"), "allocated": ("同意分配", "allocate"), "refused": ("不予分配", "refuse"),
}
INSTRUMENT_EVENTS: dict[str, tuple[str, str]] = {
    "Issued": ("发布", "issued"), "Read": ("已阅", "read"), "Reported": ("报送", "reported"),
    "Responded": ("答复", "responded"), "TaskAssigned": ("交办任务", "task assigned"),
    "TaskCompleted": ("报告完成", "task done"), "TaskVerified": ("核验", "task verified"),
    "Attended": ("出席登记", "attendance"), "MinutesRecorded": ("纪要", "minutes"), "Decided": ("决定", "decided"),
    "Promoted": ("推广", "promoted"), "Adopted": ("采纳", "adopted"), "Overdue": ("逾期上报", "overdue, escalated"),
    "Withdrawn": ("撤回", "withdrawn"),
}
