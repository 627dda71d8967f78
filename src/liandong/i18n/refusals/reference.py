"""Refusal texts: the national list, the systems, the matters and the reference data."""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "jurisdiction.unknown": {
        "zh": "未知的行政区划代码“{code}”。相近的代码：{suggestions}",
        "en": "Unknown jurisdiction code '{code}'. Nearest codes: {suggestions}",
    },
    "level.unknown": {
        "zh": "未知的层级“{value}”，可选：{allowed}",
        "en": "Unknown level '{value}'; allowed: {allowed}",
    },
    "lca.empty": {
        "zh": "请至少给出一个行政区划代码",
        "en": "Give at least one jurisdiction code",
    },
    "hierarchy.duplicate_code": {
        "zh": "行政区划代码“{code}”重复",
        "en": "Jurisdiction code '{code}' appears twice",
    },
    "hierarchy.roots": {
        "zh": "层级树必须恰有一个根节点，实际为 {count} 个",
        "en": "The hierarchy must have exactly one root; found {count}",
    },
    "hierarchy.unknown_parent": {
        "zh": "“{code}”的上级“{parent}”不存在",
        "en": "The parent '{parent}' of '{code}' does not exist",
    },
    "hierarchy.parent_not_higher": {
        "zh": "“{code}”的上级“{parent}”层级不高于它",
        "en": "The parent '{parent}' of '{code}' is not at a higher level",
    },
    "hierarchy.unreachable": {
        "zh": "有 {count} 个区划无法从根节点到达",
        "en": "{count} units cannot be reached from the root",
    },
    "system.unknown": {
        "zh": "未知的职能系统“{code}”，可选：{allowed}",
        "en": "Unknown functional system '{code}'; allowed: {allowed}",
    },
    "matter.unknown": {
        "zh": "未知的事项类型“{code}”。相近的：{suggestions}",
        "en": "Unknown matter type '{code}'. Nearest: {suggestions}",
    },
    "matter.severity_not_allowed": {
        "zh": "事项“{matter}”不适用等级“{severity}”，可选：{allowed}",
        "en": "Matter '{matter}' does not take severity '{severity}'; allowed: {allowed}",
    },
    "limit.bad": {
        "zh": "时限“{value}”格式不对，应为：{allowed}",
        "en": "Time limit '{value}' is malformed; expected {allowed}",
    },
    "data.not_table": {
        "zh": "{source}：{entry} 应为表（table）",
        "en": "{source}: {entry} must be a table",
    },
    "data.missing_field": {
        "zh": "{source}：{entry} 缺少字段“{field}”",
        "en": "{source}: {entry} lacks the field '{field}'",
    },
    "data.missing_array": {
        "zh": "{source}：缺少非空的 [[{field}]] 表数组",
        "en": "{source}: a non-empty [[{field}]] array of tables is required",
    },
    "data.empty_field": {
        "zh": "{source}：{entry} 的字段“{field}”不能为空",
        "en": "{source}: {entry} has an empty '{field}'",
    },
    "data.wrong_type": {
        "zh": "{source}：{entry} 的字段“{field}”应为 {expected}，实际为 {got}",
        "en": "{source}: {entry} field '{field}' must be a {expected}, got {got}",
    },
    "data.unknown_field": {
        "zh": "{source}：{entry} 含有未定义的字段“{field}”，允许的字段：{allowed}",
        "en": "{source}: {entry} has unknown field(s) '{field}'; allowed: {allowed}",
    },
    "data.not_allowed": {
        "zh": "{source}：{entry} 的字段“{field}”取值“{value}”无效，可选：{allowed}",
        "en": "{source}: {entry} field '{field}' has '{value}', not allowed; allowed: {allowed}",
    },
    "data.bad_code": {
        "zh": "{source}：{entry} 的代码“{value}”无效，应为 {allowed}",
        "en": "{source}: {entry} code '{value}' is invalid; expected {allowed}",
    },
    "data.bad_placeholder": {
        "zh": "{source}：{entry} 的“{field}”含未知占位符 {{{value}}}，可用：{allowed}",
        "en": "{source}: {entry} '{field}' uses unknown placeholder {{{value}}}; allowed: {allowed}",
    },
    "data.duplicate_code": {
        "zh": "{source}：{what} 代码“{entry}”重复",
        "en": "{source}: {what} code '{entry}' appears twice",
    },
    "data.reserved_code": {
        "zh": "{source}：代码“{entry}”为保留代码（属地政府）",
        "en": "{source}: code '{entry}' is reserved for territorial governments",
    },
    "data.lead_in_assist": {
        "zh": "{source}：{entry} 的牵头系统“{value}”不能同时列为协办",
        "en": "{source}: {entry} lists its lead system '{value}' among the assisting ones",
    },
    "data.ceiling_below_severity": {
        "zh": "{source}：{entry} 的提级上限“{field}”为“{value}”，低于该等级本身要求的层级（{required}）；可选：{allowed}",
        "en": "{source}: {entry} escalation ceiling '{field}' is '{value}', below the level the severity itself requires ({required}); allowed: {allowed}",
    },
    "data.ceiling_below_authority": {
        "zh": "{source}：{entry} 的提级上限“{field}”为“{value}”，低于该事项的权限层级（{required}）；可选：{allowed}",
        "en": "{source}: {entry} escalation ceiling '{field}' is '{value}', below the matter's authority level ({required}); allowed: {allowed}",
    },
    "data.limits_mismatch": {
        "zh": "{source}：{entry} 的时限键为 {value}，应与等级一一对应：{allowed}",
        "en": "{source}: {entry} limits cover {value}; they must match the severities: {allowed}",
    },
    "data.bad_limit": {
        "zh": "{source}：{entry} 的“{field}”取值“{value}”无效，应为 {allowed}",
        "en": "{source}: {entry} '{field}' has '{value}'; expected {allowed}",
    },
    "data.bad_hotline_code": {
        "zh": "{source}：{entry} 的热线分类代码（GB/T 39666）“{value}”无效，应为 {allowed}",
        "en": "{source}: {entry} hotline classification code (GB/T 39666) '{value}' is not valid; expected {allowed}",
    },
    "data.unreadable": {
        "zh": "无法读取文件 {source}：{reason}",
        "en": "Cannot read {source}: {reason}",
    },
    "data.bad_toml": {
        "zh": "{source} 不是有效的 TOML：{reason}",
        "en": "{source} is not valid TOML: {reason}",
    },
    "department.unknown": {
        "zh": "部门“{code}”不存在",
        "en": "Department '{code}' does not exist",
    },
    "place.not_found": {
        "zh": "地址“{text}”未能对应到任何行政区划",
        "en": "The address '{text}' matches no jurisdiction",
    },
    "place.ambiguous": {
        "zh": "地址“{text}”有多个可能：{candidates}；请补充省、市或区县",
        "en": "The address '{text}' is ambiguous: {candidates}; add the province, city or county",
    },
    "place.bad_crs": {
        "zh": "坐标系“{value}”无效，可选：{allowed}",
        "en": "Coordinate system '{value}' is not valid; allowed: {allowed}",
    },
    "place.outside_china": {
        "zh": "坐标（{lat}, {long}）不在中国境内",
        "en": "The point ({lat}, {long}) is not in China",
    },
    "scope.not_initialised": {
        "zh": "数据库尚未初始化，请先运行 liandong init",
        "en": "The database is not initialised; run liandong init first",
    },
}
