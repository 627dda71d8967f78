"""No language branches in code (issue 21, decision 0022): the Python modules, the page templates and
the scripts ask ``liandong.i18n`` for a text in the resolved language; they never test the language."""

from __future__ import annotations

import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "liandong"
RESOLVER = SRC / "i18n" / "__init__.py"
"""The one place that tests a language: whether it is one of ours (``resolve``, ``known``)."""

BRANCH = re.compile(
    r"""\blang\s*(?:==|!=|===|!==)"""                # lang == "zh", data.labels.lang === "zh"
    r"""|(?:==|!=|===|!==)\s*lang\b"""               # "zh" == lang
    r"""|\blang\s+(?:not\s+)?in\b"""                 # lang in ("zh", "en")
    r"""|\bif\s+(?:not\s+)?lang\b"""                 # if lang / x if lang else y
    r"""|["'](?:zh|en)["']\s*(?:if|==|!=|===|!==)"""  # "zh" if …, 'en' == …
    r"""|(?:==|!=|===|!==)\s*["'](?:zh|en)["']"""    # … == 'zh'
    r"""|\bif\s+(?:not\s+)?(?:zh|en)\b"""            # zh = …; "签收" if zh else "ack"
    r"""|\bzh\s*\?"""                                # JavaScript: zh ? "中文" : "English"
)


def branches(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if BRANCH.search(line)]


def test_the_pattern_finds_each_kind_of_branch() -> None:
    for line in ('name = m.name if lang == "zh" else m.name_en', "PAIR[0 if lang == 'zh' else 1]",
                 "{{ '搜索' if lang == 'zh' else 'Search' }}", 'if lang not in ("zh", "en"):',
                 'zh = lang == "zh"', 'text = "签收" if zh else "ack"', 'var zh = data.labels.lang === "zh";',
                 'other = "en" if lang == "zh" else "zh"', 'label = zh ? "中文" : "English"'):
        assert branches(line), line
    for line in ("t = words(TEXT, lang)", "pick(pair, lang)", "{{ kinds[s.kind] | pick }}",
                 '<html lang="{{ t.html_lang }}">', "def render(code: str, lang: str = 'zh')"):
        assert not branches(line), line


def test_no_language_branch_in_code_or_templates() -> None:
    assert len(branches(RESOLVER.read_text("utf-8"))) == 2  # resolve and known, nothing else
    found = {str(path.relative_to(SRC)): hits
             for pattern in ("*.py", "*.html", "*.js") for path in sorted(SRC.rglob(pattern))
             if path != RESOLVER and (hits := branches(path.read_text("utf-8")))}
    assert found == {}, "ask liandong.i18n (pick, name_of, words) instead of testing the language"
