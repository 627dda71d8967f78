"""The public portal (no sign-in): report, track, rate, download and verify the receipt."""

from __future__ import annotations

from fastapi import FastAPI

from liandong.web.render import Renderer


def install(app: FastAPI, renderer: Renderer) -> None:
    """Routes under /portal (being built)."""
