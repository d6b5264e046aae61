"""The browser room: one xdist group for all of it.

Under `pytest -n N` (--dist loadgroup) the browser tests run on one worker, one Chromium at a time, as
in a serial run, while the other workers take the rest of the suite: two Chromiums on a two-core
machine slow each other down enough to upset what these tests measure (widths once a page settled).
"""
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)  # before xdist reads the marks
def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in item.path.resolve().parents:
            item.add_marker(pytest.mark.xdist_group("browser"))
