"""Fixtures for the emulator's own tests."""

from __future__ import annotations

from wikijs.testing.pytest_plugin import wikijs_emulator, wikijs_emulator_factory

__all__ = ["wikijs_emulator", "wikijs_emulator_factory"]
