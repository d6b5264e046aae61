"""What other pages show of sign-in, as template globals: the panel on an activity's page and
the sign-in counts of a list of activities (one query for the list)."""
from dataclasses import dataclass

from flask_login import current_user
from markupsafe import Markup

from blueprints.signin import bp
from services import signin
from services.urls import public_url


@dataclass(frozen=True)
class Panel:
    """An activity's sign-in as the current user's activity page shows it."""

    exists: bool
    open: bool
    count: int | None
    far_above: bool
    can_open: bool
    openable: bool = False  # may open it now: dated today, draft or submitted
    code: str = ""
    url: str = ""
    closes_at: object = None
    qr: str = ""


def door_url(code: str) -> str:
    """The absolute address of a sign-in page (PUBLIC_BASE_URL when set)."""
    return public_url("signin_public.page", code=code)


@bp.app_template_global("signin_panel")
def signin_panel(activity) -> Panel:
    """The sign-in panel of `activity` for the current user (who has already loaded it)."""
    row = signin.signin_of(activity)
    may_open = signin.can_open(current_user, activity)
    openable = may_open and signin.openable(activity)
    if row is None:
        return Panel(exists=False, open=False, count=None, far_above=False, can_open=may_open,
                     openable=openable)
    count = signin.counts_for([activity.id]).get(activity.id, 0)
    is_open = signin.is_open(row)
    url = door_url(row.code)
    # segno writes only paths and a fixed title: no user text reaches this SVG.
    svg = Markup(signin.qr_svg(url)) if is_open else ""  # noqa: S704
    return Panel(exists=True, open=is_open, count=count,
                 far_above=signin.far_above(activity.participants, count,
                                            settled=bool(signin.settled_ids([activity]))),
                 can_open=may_open,
                 openable=openable, code=row.code, url=url, closes_at=row.closes_at, qr=svg)


@bp.app_template_global("signin_counts")
def signin_counts(activities) -> dict:
    """{activity_id: (sign-ins, far above)} for the activities whose sign-in was opened (far above
    only once the count is settled: sign-in closed or ended, or the activity submitted)."""
    items = list(activities)
    counts = signin.counts_for(a.id for a in items)
    settled = signin.settled_ids(a for a in items if a.id in counts)
    return {a.id: (counts[a.id], signin.far_above(a.participants, counts[a.id],
                                                  settled=a.id in settled))
            for a in items if a.id in counts}
