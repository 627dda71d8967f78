"""The words of the shared record's audit (decision 0028): what ``ledger verify``, the server's
auditor, ``/healthz`` and the dashboard's banner say when the stored state or the log disagrees with
what was recorded and cosigned. A finding is a key and its parameters; ``describe`` says it."""

from __future__ import annotations

from collections.abc import Mapping

from liandong.i18n import LANGUAGES, words

AUDIT_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "state_mismatch": "{kind} {id} 第 {version} 版与日志不符：字段 {field}，应为 {expected}，实为 {found}",
        "unrecorded_entry": "日志第 {index} 条记录的事件在案件与文书表中不存在",
        "rolled_back": "日志只有 {log_size} 条记录，但{source}有规模为 {size} 的已联署检查点（联署于 {at}）",
        "forked": "日志在规模 {size} 处的根与{source}中已联署的检查点不同（联署于 {at}）",
        "kept_unreadable": "数据库外的检查点副本 {where} 无法读取或签名不符",
        "alarm_unreadable": "审计进程写下的告警文件 {path} 无法读取，请查看服务器日志",
        "witness_refused": "见证方 {witness} 拒绝联署规模 {size} 的检查点（{at}）：{reason}",
        "log_mismatch": "第一个不符的记录：#{entry}（{what}，层 {level}，序号 {index}）：{detail}；应为 {expected}，实为 {found}",
        "bad_signature": "签名不符：#{entry}：{detail}", "bad_checkpoint": "检查点不符（规模 {size}）：{detail}",
        "case": "案件", "instrument": "文书",
        "database": "数据库中", "witness": "见证方 {witness} 的状态中", "kept": "数据库外的副本 {where} 中",
        "alarm": "共享记录告警", "alarm_hint": "存储的状态或日志与已记录、已联署的内容不符，请立即核查（liandong ledger verify）",
    },
    "en": {
        "state_mismatch": "{kind} {id} version {version} disagrees with the log: field {field}, "
                          "expected {expected}, found {found}",
        "unrecorded_entry": "entry {index} of the log records an event the case and instrument tables do not hold",
        "rolled_back": "the log has {log_size} entries but {source} holds a checkpoint of size {size} "
                       "cosigned at {at}",
        "forked": "the log's root at size {size} differs from the checkpoint {source} holds, cosigned at {at}",
        "kept_unreadable": "the copy of the checkpoint outside the database ({where}) cannot be read or "
                           "its signature does not verify",
        "alarm_unreadable": "the alarm file the auditing worker wrote ({path}) cannot be read; see the "
                            "server's log",
        "witness_refused": "witness {witness} refused to cosign the checkpoint of size {size} ({at}): {reason}",
        "log_mismatch": "first bad entry: #{entry} ({what}, level {level}, index {index}): {detail}; "
                        "expected {expected}, found {found}",
        "bad_signature": "bad signature: #{entry}: {detail}", "bad_checkpoint": "bad checkpoint (size {size}): {detail}",
        "case": "case", "instrument": "instrument",
        "database": "the database", "witness": "the state of witness {witness}",
        "kept": "the copy outside the database ({where})",
        "alarm": "Shared record alarm", "alarm_hint": "the stored state or the log disagrees with what was "
                                                      "recorded and cosigned; investigate now (liandong ledger verify)",
    },
}


def describe(key: str, params: Mapping[str, str], lang: str) -> str:
    """A finding in words: ``kind`` and ``source`` are said in the language too."""
    w = words(AUDIT_TEXT, lang)
    values = dict(params)
    if "kind" in values:
        values["kind"] = w.get(values["kind"], values["kind"])
    if "source" in values:
        values["source"] = w[values["source"]].format(**values)
    return w[key].format(**values)


def describe_all(key: str, params: Mapping[str, str]) -> str:
    """A finding in every language, first language first (a log line read by anyone on call)."""
    return " / ".join(describe(key, params, language) for language in LANGUAGES)
