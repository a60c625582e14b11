"""Fixtures shared by the whole suite.

Persona fixtures live in their own modules (see tests/*/conftest.py); browser
fixtures in tests/browser/conftest.py.
"""

from pathlib import Path

import pytest

pytest_plugins = ["tests.personas"]


@pytest.fixture(autouse=True)
def media_root(tmp_path: Path, settings) -> Path:
    """Every test writes uploads and reports into its own temporary MEDIA_ROOT."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root
