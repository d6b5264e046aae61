"""The figures of needs (SPEC §5.11) for the province or one Home, for dashboards and exports.

Counted over the needs received (filed) in a calendar year (Asia/Shanghai): for a Home, those
dispatched to it (its "received"); for the province, all.
- received — that set; dispatched — of it, those now dispatched to a Home (returned needs are
  not); fulfilled — those fulfilled (closed after fulfilment included);
- fulfilment_rate — fulfilled / received, null when nothing was received;
- median_days_to_assign — the median of calendar days from received to assigned, null when none;
- average_rating — the mean requester rating (1–5), null when none rated.
Two statements whatever the number of needs or Homes.
"""
import statistics
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from extensions import db
from models import Need
from services.clock import local

SHANGHAI = ZoneInfo("Asia/Shanghai")
EMPTY = {"received": 0, "dispatched": 0, "fulfilled": 0, "fulfilment_rate": None,
         "median_days_to_assign": None, "average_rating": None}


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    start = datetime.combine(date(year, 1, 1), datetime.min.time(), SHANGHAI)
    end = datetime.combine(date(year + 1, 1, 1), datetime.min.time(), SHANGHAI)
    return start.astimezone(UTC), end.astimezone(UTC)


def _days(received_at, assigned_at) -> int:
    return (local(assigned_at).date() - local(received_at).date()).days


def _finish(row: dict, days: list[int]) -> dict:
    received = row["received"]
    row["fulfilment_rate"] = row["fulfilled"] / received if received else None
    row["median_days_to_assign"] = statistics.median(days) if days else None
    if row["average_rating"] is not None:
        row["average_rating"] = round(float(row["average_rating"]), 2)
    return row


def by_home(year: int, home_ids=None) -> dict:
    """{None: the province's figures, home_id: that Home's figures, …} for the needs received in
    `year`; only Homes with needs appear (others are EMPTY). `home_ids`: a list or SELECT of
    Home ids narrowing the Homes (the province row still counts every need in it)."""
    start, end = _year_bounds(year)
    conds = [Need.received_at >= start, Need.received_at < end]
    if home_ids is not None:
        conds.append(Need.home_id.in_(home_ids))
    counts = sa.select(
        Need.home_id, sa.func.count(Need.id), sa.func.count(Need.dispatched_at),
        sa.func.count(Need.fulfilled_at), sa.func.sum(Need.rating), sa.func.count(Need.rating),
    ).where(*conds).group_by(Need.home_id)
    out: dict = {}
    total = {"received": 0, "dispatched": 0, "fulfilled": 0, "sum": 0, "rated": 0}
    for home_id, received, dispatched, fulfilled, rating_sum, rated in db.session.execute(counts):
        if home_id is not None:
            out[home_id] = {"received": received, "dispatched": dispatched,
                            "fulfilled": fulfilled,
                            "average_rating": int(rating_sum) / rated if rated else None}
        total["received"] += received
        total["dispatched"] += dispatched
        total["fulfilled"] += fulfilled
        total["sum"] += int(rating_sum or 0)
        total["rated"] += rated
    days: dict = {}
    for home_id, received_at, assigned_at in db.session.execute(
            sa.select(Need.home_id, Need.received_at, Need.assigned_at)
            .where(*conds, Need.assigned_at.is_not(None))):
        value = _days(received_at, assigned_at)
        days.setdefault(home_id, []).append(value)
        days.setdefault(None, []).append(value)
    result = {home_id: _finish(row, days.get(home_id, [])) for home_id, row in out.items()}
    result[None] = _finish({"received": total["received"], "dispatched": total["dispatched"],
                            "fulfilled": total["fulfilled"],
                            "average_rating": total["sum"] / total["rated"] if total["rated"] else None},
                           days.get(None, []))
    return result


def need_figures(year: int, home_id: int | None = None, home_ids=None) -> dict:
    """The figures of one Home (`home_id`), of a set of Homes (`home_ids`, a SELECT of ids), or
    of the province (neither) for `year`."""
    if home_id is not None:
        return dict(by_home(year, [home_id]).get(home_id, EMPTY))
    return dict(by_home(year, home_ids)[None])

