"""Messages to people where they already are: in-app notifications, e-mail, and the 企业微信 /
钉钉 group robots of a Home or the office.

dispatch — the one way a service or job sends a message (`notify`, `notify_home`,
`notify_office`, `announce`); inapp — the Notification rows (read, unread, settled reminders);
outbox — queueing for the other channels; channels and webhooks — SMTP and the robots behind one
interface; delivery — the job's sending with retries, backoff and a rate per channel; robots —
the group robots' settings; preferences — each user's e-mail choice per topic; kinds — the kinds
of message, their topics and their PIPL-safe summaries.
"""
from services.notifications.bulk import notify_select, sql_format
from services.notifications.delivery import backoff, deliver_due
from services.notifications.dispatch import (
    notify,
    notify_home,
    notify_office,
    queue_elsewhere,
)
from services.notifications.inapp import (
    CONTACT_REMINDERS,
    INACTIVITY_REMINDERS,
    managers_of_home,
    mark_read,
    provincial_admins,
    settle_reminders,
    unread_count,
)
from services.notifications.kinds import KINDS, TOPICS, Topic, kind_of, topics_for
from services.notifications.outbox import absolute_link, announce, home_owner, office_owner
from services.notifications.preferences import (
    change_email_choices,
    email_choices,
    queue_test_email,
    save_email_choices,
)
from services.notifications.robots import (
    PROVIDERS,
    delete_robot,
    masked_secret,
    masked_url,
    provider_of,
    queue_test,
    recent_deliveries,
    require_configurer,
    robots_of,
    save_robot,
)
from services.notifications.webhooks import SendFailed, dingtalk_sign, signed_url

__all__ = [
    "CONTACT_REMINDERS",
    "INACTIVITY_REMINDERS",
    "KINDS",
    "PROVIDERS",
    "TOPICS",
    "SendFailed",
    "Topic",
    "absolute_link",
    "announce",
    "backoff",
    "change_email_choices",
    "delete_robot",
    "deliver_due",
    "dingtalk_sign",
    "email_choices",
    "home_owner",
    "kind_of",
    "managers_of_home",
    "mark_read",
    "masked_secret",
    "masked_url",
    "notify",
    "notify_home",
    "notify_office",
    "notify_select",
    "office_owner",
    "provider_of",
    "provincial_admins",
    "queue_elsewhere",
    "queue_test",
    "queue_test_email",
    "recent_deliveries",
    "require_configurer",
    "robots_of",
    "save_email_choices",
    "save_robot",
    "settle_reminders",
    "signed_url",
    "sql_format",
    "topics_for",
    "unread_count",
]
