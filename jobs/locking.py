"""A lease in `job_locks` so that a job never runs twice at once, across processes and hosts.

Acquiring is atomic on SQLite and PostgreSQL alike: INSERT the row; if it exists, take it over only
through a conditional UPDATE (… WHERE expires_at < now) whose row count says who won. Each step runs
in its own short transaction on its own connection, so other processes see it at once; the caller's
session is never involved (indico's `locked_task` does the same with a cache).
"""
import os
import socket
import threading
import uuid
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from extensions import db
from models import JobLock
from models.base import utcnow

#: A lease lasts this long; a crashed holder's lease is taken over once it has expired.
DEFAULT_LEASE = timedelta(hours=2)

_locks = JobLock.__table__


def new_owner() -> str:
    """A unique owner name: host, process, thread and a random tag."""
    return (f"{socket.gethostname()[:40]}:{os.getpid()}:{threading.get_ident() % 100000}:"
            f"{uuid.uuid4().hex[:8]}")


def acquire(name: str, owner: str, lease: timedelta = DEFAULT_LEASE) -> bool:
    """Take the lease on `name` for `owner`; False when someone else holds an unexpired one."""
    now = utcnow()
    values = {"owner": owner, "acquired_at": now, "expires_at": now + lease}
    try:
        with db.engine.begin() as conn:
            conn.execute(sa.insert(_locks).values(name=name, **values))
        return True
    except IntegrityError:
        pass
    with db.engine.begin() as conn:
        taken = conn.execute(sa.update(_locks)
                             .where(_locks.c.name == name, _locks.c.expires_at < now)
                             .values(**values)).rowcount
    return taken == 1


def release(name: str, owner: str) -> bool:
    """Give the lease back (only its owner can); True when it was still held by `owner`."""
    with db.engine.begin() as conn:
        return conn.execute(sa.delete(_locks).where(_locks.c.name == name,
                                                    _locks.c.owner == owner)).rowcount == 1


def holder(name: str):
    """The current lease row of `name` (owner, acquired_at, expires_at), or None."""
    with db.engine.connect() as conn:
        return conn.execute(sa.select(_locks).where(_locks.c.name == name)).first()


@contextmanager
def job_lock(name: str, lease: timedelta = DEFAULT_LEASE, owner: str | None = None):
    """`with job_lock(name) as owner:` — owner is None when the lease is held by someone else."""
    owner = owner or new_owner()
    if not acquire(name, owner, lease):
        yield None
        return
    try:
        yield owner
    finally:
        release(name, owner)
