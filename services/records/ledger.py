"""台账: a Home's verified activities of a year, as offices keep them for inspection.

`ledger_of(home, year, with_photos=True)` loads the activities (verified, dated in the year, oldest
first) with organisers, co-organisers and attachments in a fixed number of queries, and reads the
stored thumbnail (JPEG, at most 480 px on the long side, made at upload) of each photo for the
Word document; no original is decoded. A photo without a stored thumbnail is listed by name
instead (`flask storage thumbnails` makes those of files stored before thumbnails were).

联合开展 (SPEC §5.12): `joint` lists, apart, the verified activities of other Homes dated in the
year that a representative of this Home co-organised. They belong to their organiser's Home: the
ledger's count and participants (`entries`) never include them, so no figure counts one twice.
"""
import logging
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from extensions import db
from models import Activity, Home, User, activity_co_organizers
from models.enums import ActivityStatus, Role
from services import activities, signin

log = logging.getLogger(__name__)
THUMBNAIL_PX = 480  # the stored "large" thumbnail (services/activities/photos.LARGE)


@dataclass
class LedgerEntry:
    activity: Activity
    thumbnails: list[bytes] = field(default_factory=list)
    other_files: list[str] = field(default_factory=list)
    signins: int | None = None  # people signed in on site (SPEC §5.9); None: sign-in never opened

    @property
    def participants_text(self) -> str:
        """参与人数 as the 台账 prints it, with the sign-ins beside it when sign-in was opened."""
        people = self.activity.participants
        text = "未填写" if people is None else f"{people} 人"
        return text if self.signins is None else f"{text}（签到 {self.signins} 人）"


@dataclass
class JointEntry:
    """A verified activity of another Home co-organised by representatives of this one."""
    activity: Activity
    our_representatives: list[User]


@dataclass
class Ledger:
    home: Home
    year: int
    entries: list[LedgerEntry]
    joint: list[JointEntry] = field(default_factory=list)

    @property
    def participants(self) -> int:
        """Participants summed over the entries; a blank count adds 0."""
        return sum(e.activity.participants or 0 for e in self.entries)


def ledger_of(home: Home, year: int, *, with_photos: bool = True) -> Ledger:
    """The Home's 台账 for `year` (four queries, plus reading the photo files)."""
    rows = db.session.scalars(
        sa.select(Activity)
        .where(Activity.home_id == home.id, Activity.status == ActivityStatus.VERIFIED,
               Activity.date >= date(year, 1, 1), Activity.date <= date(year, 12, 31))
        .options(sa.orm.joinedload(Activity.organizer), sa.orm.joinedload(Activity.survey),
                 sa.orm.selectinload(Activity.co_organizers),
                 sa.orm.selectinload(Activity.attachments))
        .order_by(Activity.date, Activity.id)).all()
    entries = []
    signed = signin.counts_for(a.id for a in rows)
    for activity in rows:
        entry = LedgerEntry(activity, signins=signed.get(activity.id))
        for attachment in activity.attachments:
            image = (activities.thumbnail(attachment, "large")
                     if with_photos and activities.is_image(attachment) else None)
            if image is not None:
                entry.thumbnails.append(image)
                continue
            if with_photos and activities.is_image(attachment):
                log.warning("台账：附件 %s 没有缩略图（flask storage thumbnails 可补做）", attachment.id)
            entry.other_files.append(attachment.filename)
        entries.append(entry)
    return Ledger(home=home, year=year, entries=entries, joint=joint_of(home, year))


def joint_of(home: Home, year: int) -> list[JointEntry]:
    """The verified activities of other Homes dated in `year` co-organised by representatives of
    `home` (联合开展), oldest first, with those representatives (two queries plus the loads)."""
    ours = (sa.select(activity_co_organizers.c.activity_id, activity_co_organizers.c.user_id)
            .join(User, User.id == activity_co_organizers.c.user_id)
            .where(User.home_id == home.id, User.role == Role.REPRESENTATIVE).subquery())
    rows = db.session.execute(
        sa.select(Activity, ours.c.user_id)
        .join(ours, ours.c.activity_id == Activity.id)
        .where(Activity.home_id != home.id, Activity.status == ActivityStatus.VERIFIED,
               Activity.date >= date(year, 1, 1), Activity.date <= date(year, 12, 31))
        .order_by(Activity.date, Activity.id)).all()
    if not rows:
        return []
    people = {u.id: u for u in db.session.scalars(
        sa.select(User).where(User.id.in_({uid for _, uid in rows})))}
    by_activity: dict[int, JointEntry] = {}
    for activity, user_id in rows:
        entry = by_activity.setdefault(activity.id, JointEntry(activity, []))
        entry.our_representatives.append(people[user_id])
    acts = [e.activity for e in by_activity.values()]
    db.session.scalars(sa.select(Activity).where(Activity.id.in_([a.id for a in acts]))
                       .options(sa.orm.joinedload(Activity.organizer),
                                sa.orm.joinedload(Activity.home),
                                sa.orm.selectinload(Activity.co_organizers))).all()
    return list(by_activity.values())
