"""Liandong (联动): multi-level government linkage for social governance."""

__version__ = "0.1.0"
