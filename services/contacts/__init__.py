"""Contacts with sci-tech workers — the public surface of services/contacts/.

workers.py adds, links, edits and unlinks the workers a representative serves; contact_records.py
records and deletes manual contacts (the `activity` ones belong to services.activities);
reminders.py the one-click reminder to a representative below the five-contact rule, once a
day.
"""
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
    NAME_MISMATCH,
    create_worker,
    find_by_mobile,
    is_linked,
    link_by_mobile,
    lock_home_workers,
    same_person,
    unlink_worker,
    update_worker,
)

__all__ = [
    "MANUAL_CHANNELS",
    "NAME_MISMATCH",
    "find_by_mobile",
    "is_linked",
    "same_person",
    "create_contact",
    "create_worker",
    "delete_contact",
    "link_by_mobile",
    "lock_home_workers",
    "remind_contacts",
    "reminded_today",
    "unlink_worker",
    "update_worker",
]
