"""The redactor that stands between a report's text and any public read (issue 20, finding 1)."""

from __future__ import annotations

import pytest

from liandong.domain.redaction import redact
from tests.factories.redaction import PERSONAL


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
