"""validity_watch (daily 01:00): expire Homes whose validity ended (SPEC §5.3) and warn managers
EXPIRY_WARNING_DAYS (60) before expiry — once per Home and expiry date."""
from datetime import date

import sqlalchemy as sa
from flask import current_app

from extensions import db
from jobs.common import link_to, unnotified_managers
from services.homes import expire_due, expiring_within
from services.notifications import announce, home_owner, notify

KIND = "home_expiring"


def run(today: date) -> dict:
    """expire_due(today), then a warning to each manager of a Home expiring within the window
    who has not had this Home's warning for this expiry date (an anti-join per expiring Home)."""

    expired = expire_due(today)
    days = int(current_app.config.get("EXPIRY_WARNING_DAYS", 60))
    expiring = expiring_within(today, days)
    warned = 0
    for home in expiring:
        key = f"{KIND}:{home.id}:{home.expires_on.isoformat()}"
        link = link_to("homes.profile", f"/home/{home.id}")
        left = (home.expires_on - today).days  # valid days left, today included
        this_home = sa.select(sa.literal(home.id).label("home_id")).subquery("home")
        for _, manager_id in db.session.execute(unnotified_managers(this_home, key)).all():
            notify(manager_id, KIND, f"{home.name}有效期至{home.last_valid_day.isoformat()}",
                   f"{home.name}的认定有效期至{home.last_valid_day.isoformat()}，还剩 {left} 天。"
                   "续期需要：已公示的年度考核结果且最近一次不为不合格，由省科协办理续期。",
                   link=link, dedupe_key=key, checked=True,
                   counts={"until": home.last_valid_day.isoformat()})
            warned += 1
        announce(home_owner(home.id), KIND, link, {"until": home.last_valid_day.isoformat()}, key)
    return {"expired": len(expired), "expiring": len(expiring), "warned": warned,
            "warning_days": days}
