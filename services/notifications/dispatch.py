"""The one way a message leaves a service or a job: in-app at once, the other channels queued.

- `notify(user, …)`: a personal message — the in-app notification and, when mail is on, the
  e-mail (sent by the delivery job if the user keeps e-mail on for that topic).
- `notify_home(home_id, …)`: every active manager of the Home personally, and the Home's group
  robots once.
- `notify_office(…)`: every active provincial admin personally, and the office's group robots once.
- `announce(owner, …)`: the group robots only (jobs that notify managers in their own loop).
"""
from models import Notification, User
from services.notifications.inapp import add_notification, managers_of_home, provincial_admins
from services.notifications.outbox import announce, home_owner, office_owner, queue_email


def notify(user: User | int, kind: str, title: str, body: str = "", link: str = "",
           dedupe_key: str | None = None, *, checked: bool = False,
           counts: dict | None = None) -> Notification | None:
    """Notify one user: the in-app notification (title and body may name people: they stay
    behind the login) and its e-mail (the kind's summary with `counts`, and the link). None, and
    nothing queued, when a notification with the same dedupe key exists. `checked=True`: the
    caller already excluded users holding the key (no SELECT)."""
    note = add_notification(user, kind, title, body, link, dedupe_key, checked=checked)
    if note is not None:
        queue_email(user, kind, link, counts, dedupe_key)
    return note


def queue_elsewhere(user: User | int, kind: str, link: str = "", counts: dict | None = None,
                    dedupe_key: str | None = None) -> None:
    """For a notification written by other means (e.g. under its own race guard): queue what the
    other channels send for it."""
    queue_email(user, kind, link, counts, dedupe_key)


def notify_home(home_id: int, kind: str, title: str, body: str = "", link: str = "", *,
                counts: dict | None = None, dedupe_key: str | None = None) -> int:
    """Notify the Home's active managers and post once to its group robots; how many managers
    got a new notification."""
    sent = sum(1 for manager in managers_of_home(home_id)
               if notify(manager, kind, title, body, link, dedupe_key, counts=counts))
    announce(home_owner(home_id), kind, link, counts, dedupe_key)
    return sent


def notify_office(kind: str, title: str, body: str = "", link: str = "", *,
                  counts: dict | None = None, dedupe_key: str | None = None) -> int:
    """Notify the active provincial admins and post once to the office's group robots; how many
    admins got a new notification."""
    sent = sum(1 for admin in provincial_admins()
               if notify(admin, kind, title, body, link, dedupe_key, counts=counts))
    announce(office_owner(), kind, link, counts, dedupe_key)
    return sent
