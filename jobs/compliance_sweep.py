"""compliance_sweep (daily 02:00): remind representatives below the five-contact rule (SPEC §5.1).

Each active representative of an active Home who is not compliant for the as-of year gets one
reminder per ISO week (a daily one would be noise); each manager of such a Home gets one weekly
digest listing their representatives below the threshold.
"""
from datetime import date

from jobs.common import active_home_ids, already_notified, iso_week, link_to, managers_by_home
from services import compliance
from services.notifications import announce, home_owner, notify

KIND = "compliance_reminder"
DIGEST_KIND = "compliance_digest"


def run(today: date) -> dict:
    """Notify non-compliant representatives and send managers their weekly digest."""

    year = today.year
    week = iso_week(today)
    limit = compliance.threshold()
    home_ids = active_home_ids()
    rows = compliance.representatives(year, home_ids=home_ids) if home_ids else []
    below = [row for row in rows if not row.compliant]

    rep_key = f"{KIND}:{week}"
    done = already_notified(rep_key, [row.representative.id for row in below])
    rep_link = link_to("dashboard.representative", link_to("rep.me"))
    notified = 0
    for row in below:
        if row.representative.id in done:
            continue
        missing = limit - row.contacted_count
        notify(row.representative, KIND, f"{year}年联系科技工作者尚未达标",
               f"截至{today.isoformat()}，您在{year}年已联系 {row.contacted_count} 名科技工作者，"
               f"距“每个代表至少联系{limit}个科技工作者”还差 {missing} 名。",
               link=rep_link, dedupe_key=rep_key, checked=True,
               counts={"year": year, "count": row.contacted_count, "missing": missing})
        notified += 1

    by_home: dict[int, list] = {}
    for row in below:
        by_home.setdefault(row.representative.home_id, []).append(row)
    digest_key = f"{DIGEST_KIND}:{week}"
    managers = managers_by_home(by_home)
    done = already_notified(digest_key, [m.id for ms in managers.values() for m in ms])
    manager_link = link_to("manage.representatives")
    digests = 0
    for home_id, home_rows in by_home.items():
        lines = "\n".join(f"· {r.representative.name}：已联系 {r.contacted_count} 名"
                          for r in home_rows)
        for manager in managers.get(home_id, []):
            if manager.id in done:
                continue
            notify(manager, DIGEST_KIND,
                   f"{week[:4]}年第{int(week[-2:])}周：{len(home_rows)} 名代表联系科技工作者未达标",
                   f"截至{today.isoformat()}，{year}年联系科技工作者少于{limit}名的代表：\n{lines}",
                   link=manager_link, dedupe_key=digest_key, checked=True,
                   counts={"count": len(home_rows)})
            done.add(manager.id)
            digests += 1
        announce(home_owner(home_id), DIGEST_KIND, manager_link, {"count": len(home_rows)},
                 digest_key)

    return {"year": year, "representatives": len(rows), "below_threshold": len(below),
            "notified": notified, "digests": digests}
