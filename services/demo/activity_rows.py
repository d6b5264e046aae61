"""The demo province's activities and contact records (a part of services/demo/seed.py's seeder).

Activities cover every theme and kind over two years with believable titles; the contact records
are exactly those SPEC §5.1 implies for submitted and verified activities, plus direct contacts.
"""
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from extensions import db
from models import Activity, ContactRecord, activity_co_organizers, activity_workers
from models.enums import THEME_KINDS, ActivityMode, ActivityStatus, ContactChannel, Kind, Theme
from services import clock
from services.demo import data as d


def moment(day: date, hour: int = 10) -> datetime:
    """A Shanghai wall-clock time on `day`, as an aware UTC datetime, never in the future."""
    at = datetime.combine(day, time(hour), tzinfo=clock.SHANGHAI).astimezone(UTC)
    return min(at, datetime.now(UTC))


class ActivitySeeding:
    """Mixin of the demo seeder: activities, then contact records."""

    # ------------------------------------------------------------------ activities
    def _kind(self, index: int) -> tuple[Theme, Kind]:
        pairs = [(t, k) for t, kinds in THEME_KINDS.items() for k in kinds]
        if index < len(pairs):
            return pairs[index]
        theme = self.rng.choice(list(THEME_KINDS))
        kinds = THEME_KINDS[theme]
        return theme, self.rng.choices(kinds, [4] * (len(kinds) - 1) + [1])[0]

    def _context(self, key: str, year: int) -> dict:
        city = self.area[key]
        rural, urban, red_site = d.PLACES.get(city, d.PLACES["南京市"])
        district, town = self.rng.choice(rural)
        units = d.WORK_UNITS[key if key in d.WORK_UNITS else city]
        unit, _, category = self.rng.choice(units)
        return {"home": self.home[key].name, "study": self.rng.choice(d.STUDY_TOPICS),
                "red_site": red_site, "book": self.rng.choice(d.BOOKS), "unit": unit,
                "field": self.rng.choice(d.FIELDS[category]), "year": year, "district": district,
                "town": town, "urban": self.rng.choice(urban), "city": city,
                "community": self.rng.choice(d.COMMUNITIES), "school": self.rng.choice(d.SCHOOLS),
                "crop": self.rng.choice(d.CROPS), "sci": self.rng.choice(d.SCI_TOPICS)}

    def _place(self, kind: Kind, mode: ActivityMode, ctx: dict, key: str) -> str:
        if mode == ActivityMode.ONLINE:
            return (f"“{self.unit[key].name}”微信公众号" if kind == Kind.SCIENCE_SERVICE
                    else "线上（腾讯会议）")
        return {Kind.VILLAGE: f"{ctx['district']}{ctx['town']}农业服务中心",
                Kind.COMMUNITY: f"{ctx['urban']}{ctx['community']}党群服务中心",
                Kind.SCHOOL: f"{ctx['urban']}{ctx['school']}报告厅",
                Kind.RED_CLASSROOM: ctx["red_site"] if self.rng.random() < 0.4 else "",
                Kind.INDUSTRY_ACADEMIA: ctx["unit"], Kind.YOUTH_STUDY: ctx["unit"],
                Kind.APPEAL_HEARING: ctx["unit"]}.get(kind) or self.home[key].venue_address

    def _status(self, day: date) -> ActivityStatus:
        age = (self.today - day).days
        weights = ((35, 45, 0, 20) if age <= 21 else (75, 15, 6, 4) if age <= 90
                   else (90, 0, 5, 5))
        return self.rng.choices([ActivityStatus.VERIFIED, ActivityStatus.SUBMITTED,
                                 ActivityStatus.RETURNED, ActivityStatus.DRAFT], weights)[0]

    def activities(self):
        self.activity_rows = []  # (activity, worker ids, co-organiser ids)
        index = 0
        for key, reps in self.reps.items():
            start, end = self.window[key]
            rate = self.rng.randint(20, 28)
            for year in (self.prev, self.year):
                lo, hi = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
                if lo > hi:
                    continue
                count = max(5, round(((hi - lo).days + 1) / 365 * rate))
                for day in sorted(self.day_between(lo, hi) for _ in range(count)):
                    self.activity_rows.append(self._activity(key, reps, year, day, index))
                    index += 1
        self._fill_demo_queue("nanjing", 3)
        db.session.add_all(a for a, _, _ in self.activity_rows)

    def _fill_demo_queue(self, key, n):
        """The demo manager's queue is never empty: the Home's latest verified activities wait
        for review instead (submitted keeps their SPEC §5.1 contacts, so compliance is unchanged)."""
        waiting = sum(1 for a, _, _ in self.activity_rows
                      if a.home is self.home[key] and a.status == ActivityStatus.SUBMITTED)
        latest = sorted((a for a, _, _ in self.activity_rows
                         if a.home is self.home[key] and a.status == ActivityStatus.VERIFIED),
                        key=lambda a: a.date, reverse=True)
        for activity in latest[:max(0, n - waiting)]:
            activity.status = ActivityStatus.SUBMITTED
            activity.verifier = None
            activity.verified_at = None
            activity.published = False

    def _activity(self, key, reps, year, day, index):
        theme, kind = self._kind(index)
        ctx = self._context(key, year)
        title = self.rng.choice(d.TITLES[theme.value, kind.value]).format(**ctx)
        manager = self.manager[key]
        by_manager = theme == Theme.PARTY_BUILDING and self.rng.random() < 0.25
        organizer = manager if by_manager else self.rng.choice(reps)
        if key == "nanjing" and not by_manager and self.rng.random() < 0.2:
            organizer = reps[0]  # rep_nanjing, the demo representative, has a full history
        mode = (ActivityMode.ONLINE if kind == Kind.SCIENCE_SERVICE
                else self.rng.choices(list(ActivityMode), (1, 8, 2))[0])
        participants = (self.rng.randint(800, 20000) if kind == Kind.SCIENCE_SERVICE
                        else self.rng.randint(30, 300) if theme == Theme.NEIGHBORHOOD
                        else self.rng.randint(12, 120))
        status = self._status(day)
        reach = [] if by_manager else self.reach.get((organizer.id, year), [])
        chance = 0.35 if theme == Theme.PARTY_BUILDING else 0.7
        workers = (self.rng.sample(reach, self.rng.randint(1, min(4, len(reach))))
                   if reach and self.rng.random() < chance else [])
        others = [r for r in reps if r is not organizer]
        co = (self.rng.sample(others, self.rng.randint(1, 2))
              if others and self.rng.random() < 0.2 else [])
        summary = (f"{day.year}年{day.month}月{day.day}日，{self.home[key].name}组织开展"
                   f"“{title}”{kind.label}活动，{participants}人参加。{d.SUMMARY_LEADS[theme.value]}"
                   f"{organizer.name}{'同志主持' if by_manager else '代表牵头组织'}。"
                   f"{self.rng.choice(d.SUMMARY_ENDS)}")
        activity = Activity(
            home=self.home[key], organizer=organizer, theme=theme, kind=kind, title=title[:200],
            date=day, location=self._place(kind, mode, ctx, key)[:200], mode=mode,
            participants=participants, summary=summary, status=status,
            created_at=moment(day, 16))
        if status != ActivityStatus.DRAFT:
            activity.submitted_at = moment(day + timedelta(days=self.rng.randint(0, 2)), 17)
        if status in (ActivityStatus.VERIFIED, ActivityStatus.RETURNED):
            activity.verifier = manager
            activity.verified_at = moment(day + timedelta(days=self.rng.randint(2, 7)), 9)
        if status == ActivityStatus.RETURNED:
            activity.review_comment = self.rng.choice(d.RETURN_COMMENTS)
        activity.published = status == ActivityStatus.VERIFIED and self.rng.random() < 0.55
        # 三级联动 as the verification would have set it (SPEC §5.12).
        levels = {p.level for p in (organizer, *co) if p.level is not None}
        activity.linked_levels = status == ActivityStatus.VERIFIED and len(levels) >= 2
        return activity, [w for w in workers], [r.id for r in co]

    # ------------------------------------------------------------------ contacts
    def contacts(self):
        """SPEC §5.1 records for submitted/verified activities, then manual contacts."""
        db.session.flush()
        rows, aw, co = [], [], []
        for activity, worker_ids, co_ids in self.activity_rows:
            aw += [{"activity_id": activity.id, "worker_id": w} for w in worker_ids]
            co += [{"activity_id": activity.id, "user_id": u} for u in co_ids]
            if activity.status in (ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED):
                rows += [{"representative_id": activity.organizer_id, "worker_id": w,
                          "date": activity.date, "channel": ContactChannel.ACTIVITY,
                          "summary": f"活动：{activity.title}"[:10000], "activity_id": activity.id}
                         for w in sorted(worker_ids)]
        channels = [ContactChannel.VISIT, ContactChannel.PHONE, ContactChannel.ONLINE,
                    ContactChannel.MEETING]
        for key, reps in self.reps.items():
            start, end = self.window[key]
            for rep in reps:
                for year in (self.prev, self.year):
                    lo, hi = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
                    for worker_id in self.reach.get((rep.id, year), []) if lo <= hi else []:
                        worker = self.worker_info[worker_id]
                        for _ in range(self.rng.randint(1, 3)):
                            channel = self.rng.choice(channels)
                            rows.append({
                                "representative_id": rep.id, "worker_id": worker_id,
                                "date": self.day_between(lo, hi), "channel": channel,
                                "summary": self._contact_summary(channel, worker)})
        if aw:
            db.session.execute(sa.insert(activity_workers), aw)
        if co:
            db.session.execute(sa.insert(activity_co_organizers), co)
        db.session.execute(sa.insert(ContactRecord), rows)

    def _contact_summary(self, channel, worker) -> str:
        return {
            ContactChannel.VISIT: f"走访{worker.work_unit}，听取{worker.name}对{worker.field}工作的意见建议",
            ContactChannel.PHONE: f"电话了解{worker.name}的{worker.field}项目进展和困难需求",
            ContactChannel.ONLINE: f"微信沟通{worker.name}职称申报材料准备情况",
            ContactChannel.MEETING: f"在座谈会上与{worker.name}交流{worker.field}发展动态",
        }[channel]
