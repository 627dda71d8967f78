"""The words every page shares, in Chinese and English (each page module adds its own)."""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "zh": {"html_lang": "zh-CN", "title": "联动 · 政府多层级联动社会治理平台", "org": "组织架构", "search": "搜索区划",
           "children": "下级区划", "departments": "职能部门与属地政府", "none": "（无）",
           "not_init": "尚未为此区划创建部门。运行：liandong init --scope {code}",
           "levels": "各级数量", "matters": "职责清单", "switch": "English",
           "lead": "牵头", "assist": "协办", "authority": "权限层级", "limit": "时限",
           "results": "搜索结果", "not_found": "未找到", "nav": "主导航",
           "portal": "我要反映", "track": "进度查询", "public": "公开问题", "workbench": "工作台", "dispatch": "派单台", "followups": "回访",
           "dashboard": "数据看板", "assessment": "考核问责", "instruments": "联动事项", "pool": "资源池", "login": "登录", "logout": "退出", "skip": "跳到正文",
           "signed_in_as": "当前用户", "matters_search": "搜索事项、类别、关键词或部门", "matters_search_button": "搜索",
           "matters_matter": "事项", "powers": "本级职权：能做什么、依据哪项治理要素",
           "table_scroll": "表格（可左右滑动）"},
    "en": {"html_lang": "en", "title": "Liandong · multi-level government linkage", "org": "Organisation",
           "search": "Search jurisdictions", "children": "Subordinate jurisdictions",
           "departments": "Departments and territorial government", "none": "(none)",
           "not_init": "No departments here yet. Run: liandong init --scope {code}",
           "levels": "Units per level", "matters": "Responsibility list", "switch": "中文",
           "lead": "Lead", "assist": "Assist", "authority": "Authority",
           "limit": "Limit", "results": "Results", "not_found": "Not found", "nav": "Main",
           "portal": "Report a problem", "track": "Track a report", "public": "Public reports", "workbench": "Workbench",
           "dispatch": "Dispatch", "followups": "Follow-up", "dashboard": "Dashboard", "assessment": "Assessment", "instruments": "Instruments", "pool": "Resources", "login": "Sign in", "logout": "Sign out",
           "skip": "Skip to content", "signed_in_as": "Signed in as",
           "matters_search": "Search matters, categories, keywords or systems", "matters_search_button": "Search",
           "matters_matter": "Matter", "powers": "Powers of this level: what it may do, and which governance element allows it",
           "table_scroll": "Table (scrolls sideways)"},
}
