"""Fixtures of the sign-in tests: a movable clock (services.clock.now and .today together) and an
activity of today."""
from datetime import UTC, datetime

import pytest

from extensions import db as _db
from models.enums import ActivityStatus
from services.clock import SHANGHAI
from tests.support import factories as f

#: 10:00 on 7 December 2026 in Asia/Shanghai.
MORNING = datetime(2026, 12, 7, 10, 0, tzinfo=SHANGHAI)


class Clock:
    """The test's clock: `set(datetime)` moves services.clock.now and services.clock.today."""

    def __init__(self, monkeypatch):
        self.moment = MORNING.astimezone(UTC)
        monkeypatch.setattr("services.clock.now", lambda: self.moment)
        monkeypatch.setattr("services.clock.today", lambda: self.moment.astimezone(SHANGHAI).date())

    def set(self, moment: datetime) -> None:
        self.moment = moment.astimezone(UTC)

    @property
    def today(self):
        return self.moment.astimezone(SHANGHAI).date()


@pytest.fixture()
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture()
def event(world, clock):
    """A draft activity of rep_a, dated today, with rep_a2 as co-organiser; committed."""
    activity = f.activity(world.rep_a, date=clock.today, status=ActivityStatus.DRAFT,
                          title="青年科技工作者座谈会", participants=30)
    activity.co_organizers = [world.rep_a2]
    _db.session.commit()
    return activity


def pdf_text(pdf: bytes) -> str:
    """The text a reportlab PDF draws: its content streams (ASCII85 + Flate) decoded, each string
    literal unescaped and read as UCS-2 (a CID font's strings) or Latin-1; plus what poppler's
    pdftotext reads, when it is installed (embedded TrueType subsets carry a ToUnicode map)."""
    import base64
    import re
    import shutil
    import subprocess
    import zlib

    out = []
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-q", "-", "-"], input=pdf, capture_output=True,
                              timeout=30, check=False)
        out.append(done.stdout.decode("utf-8", "replace"))
    for match in re.finditer(rb"/Filter \[ */ASCII85Decode */FlateDecode *\].*?stream\r?\n(.*?)endstream",
                             pdf, re.S):
        content = zlib.decompress(base64.a85decode(match.group(1).strip(), adobe=True))
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\) Tj", content, re.S):
            raw = re.sub(rb"\\([0-7]{1,3}|.)", lambda m: bytes([int(m.group(1), 8)])
                         if m.group(1)[:1].isdigit() else m.group(1), literal)
            text = raw.decode("utf-16-be", "replace") if len(raw) % 2 == 0 else ""
            if not text or any(ch == "\ufffd" or ord(ch) < 32 for ch in text):
                text = raw.decode("latin-1")
            out.append(text)
    return "\n".join(out)
