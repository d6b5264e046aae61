"""Summary tables (models/summary.py): kept in the writing transaction, rebuilt and
checked on demand, read by the province views.

Writing — every service that changes what a summary counts calls one of these in its own
transaction, after the change:
- `activity_part(activity)` before the change and `activity_changed(before, activity)` after it
  (create, edit, submit, review, withdraw a co-organiser, delete; an activity counts while
  VERIFIED, for its own Home, month, year and theme — co-organisers never change a count): one
  upsert per activity table (the Home's month, the Home's year, the province's month); the month
  rows also count those published and those 三级联动 (`Activity.linked_levels`, set when
  verified and kept, so a later write subtracts exactly what was added);
- the same two calls keep summary_home_submitted: a Home's activities while submitted (待审核),
  so the verification queues and 待办 read their counts without reading the activities (one
  upsert when an activity enters or leaves 待审核: create, submit, edit, review, delete);
- `contacts_changed(added=[...], removed=[...])` with (representative_id, worker_id, date) of
  contact records inserted and deleted (manual contacts, activity contacts, a date moved).
Each table is written by one atomic upsert `INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n`
(both databases) — never a read followed by a write, so concurrent writers add up exactly. The
per-representative count of distinct workers changes when a (representative, worker, year)
row's count crosses 0, which the same upsert RETURNS, so no second read is needed; that upsert
RETURNS the new count in turn, and when it crosses a level the Home's level rows move.
- `representatives_changed([(user_id, home_before, home_after)])` where each Home is what
  `representative_home(user)` gives before and after the write (creation, import, move,
  deactivation, activation): the per-Home counts of active representatives and of those with at
  least k distinct workers contacted in a year (k = 1..CONTACT_LEVEL_CAP) follow the
  representative. Compliance is derived when reading with CONTACT_THRESHOLD (a setting): the
  Home's row at level = threshold, never stored per threshold.
- appeals: appeals.py (`appeal_part`, `appeal_changed`).

Who moves a representative's levels must see the other writer's change: a contact writer locks
the representatives' `users` rows (FOR SHARE) when their level changes, and a move updates that
row before it reads their per-year counts, so whichever commits second sees the first.

`rebuild()` recomputes every row from the raw tables; `differences()` lists where the summaries
and the raw aggregates disagree (empty when they agree) — `flask rebuild-summaries [--check]`
(both in rebuild.py, exported by the package).
"""
from collections import Counter
from types import SimpleNamespace

import sqlalchemy as sa

from extensions import db
from models import User
from models.enums import ActivityStatus, Role
from models.summary import (
    CONTACT_LEVEL_CAP,
)
from services import compliance, notifications
from services.clock import year_instants
from services.summaries.tables import A, C, H, L, P, Q, R, Y, upsert

# --- Activities ---------------------------------------------------------------------------------

def activity_part(activity) -> tuple | None:
    """What the activity adds to the activity summaries, as (verified, submitted):
    `verified` is ((home, year, month, theme), participants, published 0 or 1, linked 0 or 1 —
    三级联动 as of verification) while the activity is verified, else None; `submitted` is its
    Home while it is submitted (待审核, summary_home_submitted), else None. None when it counts in
    neither (or for no activity)."""
    if activity is None:
        return None
    status = activity.status
    submitted = activity.home_id if status == ActivityStatus.SUBMITTED else None
    verified = None
    if status == ActivityStatus.VERIFIED and activity.date is not None:
        theme = getattr(activity.theme, "value", activity.theme)
        verified = ((activity.home_id, activity.date.year, activity.date.month, str(theme)),
                    int(activity.participants or 0), int(bool(activity.published)),
                    int(bool(activity.linked_levels)))
    if verified is None and submitted is None:
        return None
    return (verified, submitted)


def activity_changed(before: tuple | None, activity_or_part) -> None:
    """Apply the difference between an activity's part before a write and after it (pass the
    activity, or None when it was deleted). Nothing is written when nothing counted changed."""
    after = activity_or_part if isinstance(activity_or_part, tuple | type(None)) \
        else activity_part(activity_or_part)
    if before == after:
        return
    before_verified, before_submitted = before or (None, None)
    after_verified, after_submitted = after or (None, None)
    if before_submitted != after_submitted:
        _submitted_changed(before_submitted, after_submitted)
    if before_verified != after_verified:
        _verified_changed(before_verified, after_verified)


def _submitted_changed(before: int | None, after: int | None) -> None:
    """One upsert of summary_home_submitted: the Home it left -1, the Home it entered +1."""
    per_home = Counter()
    if before is not None:
        per_home[before] -= 1
    if after is not None:
        per_home[after] += 1
    rows = [{"home_id": h, "activities": n} for h, n in sorted(per_home.items()) if n]
    if rows:
        db.session.flush()
        upsert(Q, ("home_id",), ("activities",), rows)


def _verified_changed(before: tuple | None, after: tuple | None) -> None:
    deltas: dict[tuple, list[int]] = {}
    for part, sign in ((before, -1), (after, 1)):
        if part is not None:
            key, people, published, linked = part
            d = deltas.setdefault(key, [0, 0, 0, 0])
            d[0] += sign
            d[1] += sign * people
            d[2] += sign * published
            d[3] += sign * linked
    rows = [{"home_id": k[0], "year": k[1], "month": k[2], "theme": k[3], "activities": n,
             "participants": p, "published": b, "linked": j}
            for k, (n, p, b, j) in sorted(deltas.items()) if n or p or b or j]
    if not rows:
        return
    db.session.flush()
    counters = ("activities", "participants")
    upsert(A, ("home_id", "year", "month", "theme"), (*counters, "published", "linked"), rows)
    rows = [r for r in rows if r["activities"] or r["participants"]]
    for table, keys in ((Y, ("home_id", "year", "theme")), (P, ("year", "month", "theme"))):
        rolled: dict[tuple, list[int]] = {}
        for row in rows:
            d = rolled.setdefault(tuple(row[k] for k in keys), [0, 0])
            d[0] += row["activities"]
            d[1] += row["participants"]
        rolled_rows = [{**dict(zip(keys, k, strict=True)), "activities": n, "participants": p}
                       for k, (n, p) in sorted(rolled.items()) if n or p]
        if rolled_rows:
            upsert(table, keys, counters, rolled_rows)


# --- Contacts -----------------------------------------------------------------------------------

def contacts_changed(added=(), removed=()) -> None:
    """Count contact records added and removed, each given as (representative_id, worker_id,
    date): one upsert of the (representative, worker, year) rows and, when a row's count crossed
    zero, one upsert of the representatives' distinct-worker counts. A representative reaching
    CONTACT_THRESHOLD for a year has that year's contact reminders marked read (one UPDATE)."""
    deltas = Counter()
    for rep_id, worker_id, day in added:
        deltas[(rep_id, worker_id, day.year)] += 1
    for rep_id, worker_id, day in removed:
        deltas[(rep_id, worker_id, day.year)] -= 1
    rows = [{"representative_id": k[0], "worker_id": k[1], "year": k[2], "contacts": n}
            for k, n in sorted(deltas.items()) if n]
    if not rows:
        return
    db.session.flush()
    result = upsert(C, ("representative_id", "worker_id", "year"), ("contacts",), rows,
                     returning=(C.c.representative_id, C.c.worker_id, C.c.year, C.c.contacts))
    crossed = Counter()
    for rep_id, worker_id, year, now in result:
        was = now - deltas[(rep_id, worker_id, year)]
        if was <= 0 < now:
            crossed[(rep_id, year)] += 1
        elif now <= 0 < was:
            crossed[(rep_id, year)] -= 1
    rep_rows = [{"representative_id": k[0], "year": k[1], "workers": n}
                for k, n in sorted(crossed.items()) if n]
    if not rep_rows:
        return
    result = upsert(R, ("representative_id", "year"), ("workers",), rep_rows,
                     returning=(R.c.representative_id, R.c.year, R.c.workers))
    moved = {}
    limit = compliance.threshold()
    reached: dict[int, list[int]] = {}
    for rep_id, year, now in result:
        was = now - crossed[(rep_id, year)]
        if _capped(was) != _capped(now):
            moved[(rep_id, year)] = (was, now)
        if was < limit <= now:
            reached.setdefault(year, []).append(rep_id)
    for year, rep_ids in reached.items():
        # The year's "尚未达标" reminders no longer hold: done, not waiting.
        notifications.settle_reminders(rep_ids, notifications.CONTACT_REMINDERS,
                                       since=year_instants(year)[0], until=year_instants(year)[1])
    if not moved:
        return
    # FOR SHARE: a concurrent move or (de)activation of these representatives waits for this
    # transaction, then reads the per-year counts written here (see the module's docstring).
    states = db.session.execute(
        sa.select(User.id, User.home_id, User.role, User.active)
        .where(User.id.in_(sorted({rep_id for rep_id, _year in moved})))
        .order_by(User.id).with_for_update(read=True))
    homes = {uid: representative_home(SimpleNamespace(home_id=h, role=r, active=a))
             for uid, h, r, a in states}
    levels = Counter()
    for (rep_id, year), (was, now) in moved.items():
        home_id = homes.get(rep_id)
        if home_id is not None:
            add_levels(levels, home_id, year, was, now)
    _upsert_levels(levels)


def contact_key(record) -> tuple:
    """(representative_id, worker_id, date) of a contact record, as contacts_changed takes it."""
    return (record.representative_id, record.worker_id, record.date)


# --- Representatives per Home -------------------------------------------------------------------

def _capped(workers) -> int:
    return max(0, min(int(workers or 0), CONTACT_LEVEL_CAP))


def add_levels(levels: Counter, home_id: int, year: int, was: int, now: int) -> None:
    """Levels of a Home and year that a representative going from `was` to `now` distinct
    workers enters (+1) or leaves (-1)."""
    low, high = sorted((_capped(was), _capped(now)))
    sign = 1 if _capped(now) > _capped(was) else -1
    for level in range(low + 1, high + 1):
        levels[(home_id, year, level)] += sign


def _upsert_levels(levels: Counter) -> None:
    rows = [{"home_id": k[0], "year": k[1], "level": k[2], "representatives": n}
            for k, n in sorted(levels.items()) if n]
    if rows:
        upsert(L, ("home_id", "year", "level"), ("representatives",), rows)


def representative_home(user) -> int | None:
    """The Home whose per-Home summaries count the user: their Home while they are an active
    representative, else None."""
    role = getattr(user.role, "value", user.role)
    if role != Role.REPRESENTATIVE.value or not user.active or user.home_id is None:
        return None
    return user.home_id


def representatives_changed(changes, *, new: bool = False) -> None:
    """Move users between the per-Home summaries: `changes` are (user_id, home_before,
    home_after) with `representative_home` before and after the write (None: not counted).
    One upsert of summary_home_representatives; unless `new` (accounts just created have no
    contacts), one read of the users' per-year distinct workers and one upsert of the levels.
    Call after the write: the users' rows are flushed (and so locked) before the read."""
    changes = [(uid, before, after) for uid, before, after in changes if before != after]
    if not changes:
        return
    db.session.flush()
    per_home = Counter()
    for _uid, before, after in changes:
        if before is not None:
            per_home[before] -= 1
        if after is not None:
            per_home[after] += 1
    rows = [{"home_id": h, "representatives": n} for h, n in sorted(per_home.items()) if n]
    if rows:
        upsert(H, ("home_id",), ("representatives",), rows)
    if new:
        return
    moves = {uid: (before, after) for uid, before, after in changes}
    levels = Counter()
    for rep_id, year, workers in db.session.execute(
            sa.select(R.c.representative_id, R.c.year, R.c.workers)
            .where(R.c.representative_id.in_(sorted(moves)), R.c.workers > 0)):
        before, after = moves[rep_id]
        if before is not None:
            add_levels(levels, before, year, workers, 0)
        if after is not None:
            add_levels(levels, after, year, 0, workers)
    _upsert_levels(levels)
