"""The roles of staff and the public (who may issue which command is declared on the command)."""

from __future__ import annotations

from enum import StrEnum


class StaffRole(StrEnum):
    HANDLER = "handler"  # 承办人员
    DISPATCHER = "dispatcher"  # 派单员（12345 中心）
    LEADER = "leader"  # 领导（审批、批示）
    INSPECTOR = "inspector"  # 督查
    ASSESSOR = "assessor"  # 考核
    ANALYST = "analyst"  # 分析研究
    ADMINISTRATOR = "administrator"  # 管理员
    CITIZEN = "citizen"  # 群众、社会组织
