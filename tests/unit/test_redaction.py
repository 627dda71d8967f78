"""The redactor that stands between a report's text and any public read (issue 20, finding 1)."""

from __future__ import annotations

import pytest

from liandong.domain.redaction import redact

PERSONAL = [
    ("我叫张三电话13812345678", "我叫〔姓名〕电话〔电话〕"),
    ("本人李四，反映噪声", "本人〔姓名〕，反映噪声"),
    ("我是王小明。楼下施工", "我是〔姓名〕。楼下施工"),
    ("联系人：赵六 +86 139-1234-5678", "联系人：〔姓名〕 〔电话〕"),
    ("手机 138 1234 5678", "手机 〔电话〕"),
    ("座机0510-82345678转123", "座机〔电话〕"),
    ("电话：5821234", "〔电话〕"),
    ("身份证320102199001011234", "身份证〔证件号〕"),
    ("身份证号32010219900101123X有误", "身份证号〔证件号〕有误"),
    ("车牌苏B12345停在门口", "车牌〔车牌〕停在门口"),
    ("京A·12345违停", "〔车牌〕违停"),
    ("新能源车苏BD12345占道", "新能源车〔车牌〕占道"),
    ("邮箱li.si@example.com", "邮箱〔邮箱〕"),
    ("住人民中路123号5栋2单元501室", "住人民中路〔门牌〕"),
    ("12号楼下垃圾堆积", "〔门牌〕下垃圾堆积"),
    ("住在幸福小区3-2-501", "住在幸福小区〔门牌〕"),
]
"""Texts with personal data and what is left of them (the public feed's tests run them as well)."""


@pytest.mark.parametrize(("text", "expected"), PERSONAL)
def test_personal_data_is_removed(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "人民中路路灯不亮已经三天了",
    "3号线地铁站口垃圾多",
    "我是本小区居民，楼道堆满杂物",
    "2026-12-05晚上10点半噪声很大",
    "请拨打12345热线",
    "楼盘外墙脱落",
])
def test_what_is_not_personal_stays(text: str) -> None:
    assert redact(text) == text


def test_a_report_with_everything_keeps_its_sense() -> None:
    text = "广场舞音响夜间扰民，我叫张三电话13812345678，住人民中路123号5栋2单元501室，车牌苏B12345"
    out = redact(text)
    for personal in ("张三", "13812345678", "123号", "501", "苏B12345"):
        assert personal not in out
    assert out.startswith("广场舞音响夜间扰民，") and "人民中路" in out
