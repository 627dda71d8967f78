"""The words of a department's powers (``liandong org powers``, the page ``/org/{code}/powers``): what it
may do with cases and instruments and which governance element allows it, in Chinese and English."""

from __future__ import annotations

from liandong.domain.declare import declaration
from liandong.domain.powers import Grant, Power, Powers
from liandong.i18n import name_of, pick, words
from liandong.i18n.messages import ACTION_NAMES, INSTRUMENT_KINDS, SEVERITY_NAMES, level_name

POWERS_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "powers_title": "职权：{name}", "level": "层级", "kind_gov": "属地政府（块）", "kind_dept": "职能部门（条）",
        "elements": "本级治理要素", "cases": "案件权限", "instruments": "可发起的联动事项",
        "escalations": "承接提级（提级上限）", "col_power": "事项", "col_may": "可否", "col_why": "依据",
        "yes": "可以", "no": "不可以", "granted": "治理要素：{elements}",
        "granted_gov": "治理要素：{elements}（由属地政府行使）",
        "not_granted": "{level}的治理要素不含“{action}”",
        "government_only": "{level}的“{action}”由属地政府行使（治理要素：{elements}）",
        "as_lead": "；作为本案主办单位：{why}", "sep": "、",
        "ceiling_line": "{severity}：{count} 类事项可提级至本级", "ceiling_none": "{severity}：不承接提级（上级督办，不包办）",
        "ceiling_note": "超过提级上限的超期案件不再提级，改由上一级督办并通报（总揽不包办）；上限在职责清单 matters.toml 中按事项和等级设定。",
        "roles": "账号角色：派单、改派、并单需“派单员”角色；扩大影响范围需“派单员”或本案主办单位的“承办人员”。",
        "other": "另见", "dept_link": "{name}的职能部门", "none": "（无）",
    },
    "en": {
        "powers_title": "Powers: {name}", "level": "Level", "kind_gov": "territorial government", "kind_dept": "functional department",
        "elements": "Governance elements of this level", "cases": "Case powers", "instruments": "Instruments it may issue",
        "escalations": "Escalations taken over (escalation ceiling)", "col_power": "Power", "col_may": "May", "col_why": "Why",
        "yes": "yes", "no": "no", "granted": "governance elements: {elements}",
        "granted_gov": "governance elements: {elements} (taken by the territorial government)",
        "not_granted": "the governance elements of the {level} level do not grant '{action}'",
        "government_only": "at the {level} level '{action}' belongs to the territorial government (governance elements: {elements})",
        "as_lead": "; as the case's own lead: {why}", "sep": ", ",
        "ceiling_line": "{severity}: {count} matter types may be escalated to this level",
        "ceiling_none": "{severity}: no escalation is taken over here (the level above supervises, it does not take over)",
        "ceiling_note": "An overdue case above its escalation ceiling is not escalated further; the level above supervises and criticises instead. Ceilings are set per matter and severity in the responsibility list (matters.toml).",
        "roles": "Account roles: dispatch, re-dispatch and merge need the dispatcher role; adding places needs the dispatcher role or a handler of the case's lead.",
        "other": "See also", "dept_link": "departments of {name}", "none": "(none)",
    },
}


def text(lang: str, key: str, **params: object) -> str:
    return words(POWERS_TEXT, lang)[key].format(**params)


def power_name(power: Power, lang: str) -> str:
    """派单, 改派 … for a case power; 政策试点 … for an instrument."""
    if power.aggregate == "case":
        from liandong.domain.cases.commands import COMMANDS

        return pick(declaration(COMMANDS[power.key]).name, lang)
    return pick(INSTRUMENT_KINDS[power.key], lang)


def why(grant: Grant, lang: str) -> str:
    """The element that allows it, or what it lacks, in words."""
    elements = text(lang, "sep").join(name_of(e, lang) for e in grant.elements)
    params = {"level": level_name(grant.level, lang), "action": pick(ACTION_NAMES[grant.action.value], lang),
              "elements": elements}
    if not grant.elements:
        return text(lang, "not_granted", **params)
    if not grant.allowed:
        return text(lang, "government_only", **params)
    return text(lang, "granted_gov" if grant.government_only else "granted", **params)


def rows(powers: Powers, aggregate: str, lang: str) -> list[tuple[str, str, str]]:
    """(name, may, why) per power of ``aggregate`` ("case" or "instrument")."""
    out = []
    for p in powers.powers:
        if p.aggregate != aggregate:
            continue
        reason = why(p.grant, lang)
        if p.lead_grant is not None and not p.grant.allowed:
            reason += text(lang, "as_lead", why=why(p.lead_grant, lang))
        may = p.grant.allowed or (p.lead_grant is not None and p.lead_grant.allowed)
        out.append((power_name(p, lang), text(lang, "yes" if may else "no"), reason))
    return out


def escalation_lines(powers: Powers, lang: str) -> list[str]:
    """承接提级 per severity: how many matter types may be escalated up to this level."""
    return [text(lang, "ceiling_line" if codes else "ceiling_none", severity=pick(SEVERITY_NAMES[s.value], lang),
                 count=len(codes)) for s, codes in powers.escalations]
