"""Dashboards: 三率 and process indicators for a scope, rankings, trends and a drill-down map."""

from __future__ import annotations

from fastapi import FastAPI

from liandong.web.render import Renderer


def install(app: FastAPI, renderer: Renderer) -> None:
    """Routes under /work/dashboard (being built)."""
