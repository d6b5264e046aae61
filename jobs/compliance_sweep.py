"""compliance_sweep (daily 02:00): remind representatives below the five-contact rule (SPEC §5.1).

Each active representative of an active Home who is not compliant for the as-of year gets one
reminder per ISO week (a daily one would be noise); each manager of such a Home gets one weekly
digest listing their representatives below the threshold.

The counts come from the summary tables (distinct workers per representative and year, active
representatives per Home), and the representatives' reminders are written by one
`INSERT … SELECT` (services.notifications.notify_select): the job's cost follows the rows, and no
statement carries a list of ids. The managers' digests (one per manager, bounded by the Homes)
are written one by one, since each lists its own Home's names.
"""
from datetime import date

import sqlalchemy as sa

from extensions import db
from jobs.common import iso_week, link_to
from models import Home, Notification, User
from models.enums import HomeStatus, Role
from models.summary import HomeRepresentativeSummary, RepresentativeYearSummary
from services import compliance
from services.notifications import announce, home_owner, kind_of, notify, notify_select, sql_format

KIND = "compliance_reminder"
DIGEST_KIND = "compliance_digest"


def below_threshold(year: int, limit: int) -> sa.Select:
    """A select of the active representatives of active Homes with fewer than `limit` distinct
    workers contacted in `year`: (user_id, home_id, name, name_key, contacted)."""
    r = RepresentativeYearSummary
    contacted = sa.func.coalesce(r.workers, 0)
    return (sa.select(User.id.label("user_id"), User.home_id.label("home_id"),
                      User.name.label("name"), User.name_key.label("name_key"),
                      contacted.label("contacted"))
            .join(Home, Home.id == User.home_id)
            .outerjoin(r, sa.and_(r.representative_id == User.id, r.year == year))
            .where(User.role == Role.REPRESENTATIVE, User.active.is_(True),
                   Home.status == HomeStatus.ACTIVE, contacted < limit))


def run(today: date) -> dict:
    """Notify non-compliant representatives and send managers their weekly digest."""

    year = today.year
    week = iso_week(today)
    limit = compliance.threshold()
    below = below_threshold(year, limit).subquery("below")

    representatives = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(HomeRepresentativeSummary.representatives), 0))
        .join(Home, Home.id == HomeRepresentativeSummary.home_id)
        .where(Home.status == HomeStatus.ACTIVE)) or 0
    below_count = db.session.scalar(sa.select(sa.func.count()).select_from(below)) or 0

    rep_key = f"{KIND}:{week}"
    missing = sa.literal(limit) - below.c.contacted
    notified = notify_select(KIND, sa.select(
        below.c.user_id,
        sa.literal(f"{year}年联系科技工作者尚未达标", sa.String).label("title"),
        sql_format("截至{today}，您在{year}年已联系 {count} 名科技工作者，"
                   "距“每个代表至少联系{limit}个科技工作者”还差 {missing} 名。",
                   today=today.isoformat(), year=year, count=below.c.contacted, limit=limit,
                   missing=missing).label("body"),
        sql_format(kind_of(KIND).summary, year=year, count=below.c.contacted,
                   missing=missing).label("text")),
        dedupe_key=rep_key, link=link_to("dashboard.representative", link_to("rep.me")))

    digests = _digests(today, year, week, limit, below) if below_count else 0
    return {"year": year, "representatives": int(representatives), "below_threshold": below_count,
            "notified": notified, "digests": digests}


def _digests(today: date, year: int, week: str, limit: int, below) -> int:
    """One digest per active manager of each Home with representatives below the threshold who
    has not had this week's; the Home's group robots once. How many managers were notified."""
    by_home: dict[int, list] = {}
    for home_id, name, contacted in db.session.execute(
            sa.select(below.c.home_id, below.c.name, below.c.contacted)
            .order_by(below.c.home_id, below.c.name_key, below.c.user_id)):
        by_home.setdefault(home_id, []).append((name, contacted))
    digest_key = f"{DIGEST_KIND}:{week}"
    done = sa.select(Notification.id).where(Notification.user_id == User.id,
                                            Notification.dedupe_key == digest_key).exists()
    with_below = sa.select(below.c.user_id).where(below.c.home_id == Home.id).exists()
    managers = db.session.execute(
        sa.select(Home.id, User.id).join(User, User.unit_id == Home.unit_id)
        .where(Home.status == HomeStatus.ACTIVE, User.role == Role.HOME_MANAGER,
               User.active.is_(True), with_below, ~done)
        .order_by(Home.id, User.id)).all()
    link = link_to("manage.representatives")
    title = f"{week[:4]}年第{int(week[-2:])}周：{{n}} 名代表联系科技工作者未达标"
    digests = 0
    for home_id, manager_id in managers:
        rows = by_home.get(home_id, [])
        lines = "\n".join(f"· {name}：已联系 {contacted} 名" for name, contacted in rows)
        notify(manager_id, DIGEST_KIND, title.format(n=len(rows)),
               f"截至{today.isoformat()}，{year}年联系科技工作者少于{limit}名的代表：\n{lines}",
               link=link, dedupe_key=digest_key, checked=True, counts={"count": len(rows)})
        digests += 1
    for home_id, rows in by_home.items():
        announce(home_owner(home_id), DIGEST_KIND, link, {"count": len(rows)}, digest_key)
    return digests
