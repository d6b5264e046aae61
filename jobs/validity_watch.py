"""validity_watch (daily 01:00): expire Homes whose validity ended (SPEC §5.3) and warn managers
EXPIRY_WARNING_DAYS (60) before expiry — once per Home and expiry date."""
from datetime import date

from flask import current_app

from jobs.common import already_notified, link_to, managers_by_home
from services.homes import expire_due, expiring_within
from services.notifications import announce, home_owner, notify

KIND = "home_expiring"


def run(today: date) -> dict:
    """expire_due(today), then a warning to each manager of a Home expiring within the window."""

    expired = expire_due(today)
    days = int(current_app.config.get("EXPIRY_WARNING_DAYS", 60))
    expiring = expiring_within(today, days)
    managers = managers_by_home(home.id for home in expiring)
    warned = 0
    for home in expiring:
        key = f"{KIND}:{home.id}:{home.expires_on.isoformat()}"
        done = already_notified(key, [m.id for m in managers[home.id]])
        left = (home.expires_on - today).days  # valid days left, today included
        for manager in managers[home.id]:
            if manager.id in done:
                continue
            notify(manager, KIND, f"{home.name}有效期至{home.last_valid_day.isoformat()}",
                   f"{home.name}的认定有效期至{home.last_valid_day.isoformat()}，还剩 {left} 天。"
                   "续期需要：已公示的年度考核结果且最近一次不为不合格，由省科协办理续期。",
                   link=link_to("homes.profile", f"/home/{home.id}"), dedupe_key=key,
                   checked=True, counts={"until": home.last_valid_day.isoformat()})
            warned += 1
        announce(home_owner(home.id), KIND, link_to("homes.profile", f"/home/{home.id}"),
                 {"until": home.last_valid_day.isoformat()}, key)
    return {"expired": len(expired), "expiring": len(expiring), "warned": warned,
            "warning_days": days}
