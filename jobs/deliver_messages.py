"""deliver_messages (every minute): send the queued e-mail and group-robot messages.

The sending, retries with exponential backoff and the rate per channel are the service's
(services.notifications.deliver_due); the job gives them the lease (never two runs at once) and a
Job run record. A scheduled run that found nothing due leaves no record (the job is `quiet`); a run
from `flask jobs run` or the jobs page is always recorded.
"""
from datetime import date

from services import notifications


def run(today: date) -> dict:
    """Send what is due now; the counts of attempts and their outcomes. `today` is unused: the
    queue's own times decide what is due."""
    return notifications.deliver_due()
