"""去标识化: personal data taken out of a report's text before anyone outside the case reads it.

A citizen who agrees that the description of a problem may be published has not agreed to
publish their phone number, their name or their door. What is removed: mobile and landline
numbers, ID-card numbers, vehicle plates, e-mail addresses, names introduced as such (我叫…,
本人…, 我是…) and house numbers (12号, 3栋, 2单元, 501室). Each becomes a mark that says what
was there, so that the sentence still reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable

REMOVED = {"phone": "〔电话〕", "id": "〔证件号〕", "plate": "〔车牌〕", "email": "〔邮箱〕",
           "name": "〔姓名〕", "house": "〔门牌〕"}

_INTRO = r"(?:我叫|我的名字是|本人(?:是|叫)?|我是|姓名[:：]?|联系人[:：]?)\s?"
_PROVINCE_SHORT = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"
_NUMERAL = "0-9０-９一二三四五六七八九十百零〇两"

_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    # 18-digit resident ID (last may be X), or the old 15-digit form
    ("id", re.compile(r"(?<![0-9])(?:[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])"
                      r"\d{3}[0-9Xx]|[1-9]\d{14})(?![0-9])")),
    # mobile: 1[3-9] and nine digits, written with spaces or dashes or after +86
    ("phone", re.compile(r"(?:\+?86[\s-]?)?(?<![0-9])1[3-9]\d(?:[\s-]?\d){8}(?![0-9])")),
    # landline: area code 0xx(x) and 7–8 digits, optionally an extension; or a bare 7–8 digits
    # after a word that says it is a number
    ("phone", re.compile(r"(?<![0-9])(?:\(?0\d{2,3}\)?[\s-]?)\d{7,8}"
                         r"(?:[\s-]?(?:转|ext\.?|x)\s?\d{1,6})?(?![0-9])")),
    ("phone", re.compile(r"(?:电话|手机|联系方式|号码|座机|tel|Tel|TEL)[:：是为\s]*\d{5,12}")),
    # plates: 苏B12345, 苏B·12345, 苏BD12345 (new energy), 苏B1234学
    ("plate", re.compile(rf"[{_PROVINCE_SHORT}][A-HJ-NP-Z][·•\s]?[A-HJ-NP-Z0-9]{{4,6}}[挂学警港澳]?")),
    # a name introduced as such: 我叫张三, 本人李四, 我是王五 (2–4 characters; stops at punctuation
    # and at words that begin what follows, e.g. 我叫张三电话…)
    ("name", re.compile(_INTRO + r"[\u4e00-\u9fff·]{1,4}?(?=[，,。.；;！!？?\s、]|电话|手机|联系|"
                        r"家住|住在|住址|今年|身份|反映|投诉|举报|想|要|在|$)")),
    # house numbers: 12号, 12-3号, 3栋, 3幢, 2单元, 501室, 12号楼
    ("house", re.compile(rf"(?:[{_NUMERAL}]+(?:[-—－][{_NUMERAL}]+)*\s?"
                         r"(?:号楼|号院|号(?![线码])|栋|幢|单元|室|楼(?![盘市道])|层)[-—－]?)+"
                         r"(?:[0-9０-９]+(?![0-9０-９]))?")),
    ("house", re.compile(r"(?<![0-9-])\d{1,3}[-—－]\d{1,2}[-—－]\d{2,4}(?![0-9-])")),  # 3-2-501
)


def redact(text: str) -> str:
    """The text with the personal data above replaced by marks of what was there."""
    out = text
    for kind, pattern in _PATTERNS:
        out = pattern.sub(_mark(kind), out)
    return out


def public_point(coordinates: str) -> tuple[str | None, str | None]:
    """Where a public read says a report is: its point ("lat,lng") rounded to three decimals (about
    100 m), as text; nothing for a report without one."""
    if not coordinates:
        return None, None
    y, x = coordinates.split(",", 1)
    return f"{float(y):.3f}", f"{float(x):.3f}"


def _mark(kind: str) -> Callable[[re.Match[str]], str]:
    mark = REMOVED[kind]
    if kind != "name":
        return lambda _m: mark

    def keep_intro(match: re.Match[str]) -> str:
        """我叫张三 → 我叫〔姓名〕: the words that introduce a name stay."""
        found = re.match(_INTRO, match.group(0))
        return (found.group(0) if found else "") + mark
    return keep_intro
