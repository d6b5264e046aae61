from services.contacts.contact_records import (
    MANUAL_CHANNELS,
    create_contact,
    delete_contact,
)
from services.contacts.reminders import (
    remind_contacts,
    reminded_today,
)
from services.contacts.workers import (
    create_worker,
    link_by_mobile,
    unlink_worker,
    update_worker,
)

__all__ = [
    "MANUAL_CHANNELS",
    "create_contact",
    "create_worker",
    "delete_contact",
    "link_by_mobile",
    "remind_contacts",
    "reminded_today",
    "unlink_worker",
    "update_worker",
]
