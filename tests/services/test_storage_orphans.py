"""Files are deleted only when no committed row refers to them (SPEC §10 "nothing lost").

A COMMIT that fails has an unknown outcome (the connection may have been cut after the database
committed): the new files stay. `flask storage check` lists stored files no row refers to, older
than STORAGE_ORPHAN_GRACE_HOURS, and --remove-orphans deletes them.
"""
import os
import tempfile
import time

import pytest
import sqlalchemy as sa

from extensions import db
from models import Attachment
from services import activities as service
from services import storage as st
from tests.services.test_attachments import PDF, PNG, payload


@pytest.fixture()
def store(app):
    new = st.LocalStorage(tempfile.mkdtemp(prefix="rephome-orphans-"))
    st.set_storage(app, new)
    yield new
    st.set_storage(app, None)


class CommitCut(Exception):
    """What the database driver raises when the connection drops during COMMIT."""


def test_a_failed_commit_keeps_the_new_files(world, store):
    service.create_activity(world.rep_a, payload(), files=[("a.pdf", PDF), ("b.png", PNG)])
    assert len(list(store.iter_keys())) == 4  # the PDF, the photo and its two thumbnails

    def cut(_conn):
        raise CommitCut("connection lost during COMMIT")

    engine = db.engine
    sa.event.listen(engine, "commit", cut)
    try:
        with pytest.raises(CommitCut):
            db.session.commit()
    finally:
        sa.event.remove(engine, "commit", cut)
    db.session.rollback()
    assert len(list(store.iter_keys())) == 4  # the COMMIT may have landed: nothing is deleted


def test_a_rollback_before_any_commit_still_removes_the_new_files(world, store):
    service.create_activity(world.rep_a, payload(), files=[("a.pdf", PDF)])
    db.session.rollback()
    assert list(store.iter_keys()) == []


def _age(store, key, hours):
    then = time.time() - hours * 3600
    os.utime(store.path(key), (then, then))


def test_check_lists_orphans_older_than_the_grace_and_removes_them(app, world, store, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_ORPHAN_GRACE_HOURS", 24)
    activity = service.create_activity(world.rep_a, payload(), files=[("a.pdf", PDF)])
    db.session.commit()
    kept = activity.attachments[0].stored_name
    store.save("0ld0rphan.pdf", PDF)
    store.save("fresh-in-flight.png", PNG)
    _age(store, "0ld0rphan.pdf", 30)
    _age(store, kept, 30)  # old, but a row refers to it
    _age(store, "fresh-in-flight.png", 2)  # an upload whose row may not be committed yet

    out = app.test_cli_runner().invoke(args=["storage", "check"])
    assert out.exit_code == 0, out.output
    assert "孤立文件（无记录引用，早于 24 小时）1 个" in out.output and "0ld0rphan.pdf" in out.output
    assert kept not in out.output.split("孤立文件")[1] and "fresh-in-flight" not in out.output
    assert sorted(store.iter_keys()) == sorted([kept, "0ld0rphan.pdf", "fresh-in-flight.png"])

    out = app.test_cli_runner().invoke(args=["storage", "check", "--remove-orphans"])
    assert out.exit_code == 0 and "已删除 1 个" in out.output, out.output
    assert sorted(store.iter_keys()) == sorted([kept, "fresh-in-flight.png"])
    assert db.session.scalar(sa.select(Attachment.stored_name)) == kept


def test_the_grace_is_a_setting(app, world, store, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_ORPHAN_GRACE_HOURS", 1)
    store.save("fresh-in-flight.png", PNG)
    _age(store, "fresh-in-flight.png", 2)
    out = app.test_cli_runner().invoke(args=["storage", "check", "--remove-orphans"])
    assert "早于 1 小时）1 个，已删除 1 个" in out.output, out.output
    assert list(store.iter_keys()) == []


def test_an_image_s_thumbnails_are_never_orphans(world, store):
    """The thumbnails made at upload belong to their attachment's row: `--remove-orphans` keeps them."""
    from services import storage_orphans
    service.create_activity(world.rep_a, payload(), files=[("b.png", PNG)])
    db.session.commit()
    keys = list(store.iter_keys())
    assert len(keys) == 3 and sum(k.startswith("thumbs/") for k in keys) == 2
    assert storage_orphans.find_orphans(store, grace_hours=0) == []
