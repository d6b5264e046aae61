# ruff: noqa: S608 — SQL is composed from this module's constants only; values are bound parameters.
"""Floors of the city dashboard, survey results, needs lists, attendance and audit pages: what each
shows, as hand-written SQL on one raw DB-API connection (bench/floors.py's `Raw`) — no ORM,
framework or rendering; one query per distinct aggregate or list."""
from bench.floors import SUMMARY_COMPLIANCE, Raw

CITY_HOMES = "SELECT h.id FROM homes h JOIN units u ON u.id = h.unit_id WHERE u.city = :c"


def city_page(raw: Raw, year: int, city: str):
    """A city's dashboard: the province page's figures over the city's Homes — its Homes,
    compliance per Home, theme × month and Home × theme from the summary tables, the ranking,
    appeals of the year by status and days and the open ones, needs by status."""
    return [
        raw.all("SELECT h.id, h.name, u.city, u.kind, h.status, h.expires_on FROM homes h "
                "JOIN units u ON u.id = h.unit_id WHERE u.city = :c ORDER BY h.name, h.id", c=city),
        raw.all(SUMMARY_COMPLIANCE + f" AND h.home_id IN ({CITY_HOMES})", y=year, c=city),
        raw.all("SELECT theme, month, SUM(activities), SUM(participants) FROM summary_activities "
                f"WHERE year = :y AND home_id IN ({CITY_HOMES}) GROUP BY theme, month",
                y=year, c=city),
        raw.all("SELECT home_id, theme, SUM(activities) FROM summary_activity_years "
                f"WHERE year = :y AND home_id IN ({CITY_HOMES}) GROUP BY home_id, theme",
                y=year, c=city),
        raw.all("SELECT a.home_id, h.name, a.total, a.grade, a.status FROM assessments a "
                f"JOIN homes h ON h.id = a.home_id WHERE a.year = :y AND a.home_id IN "
                f"({CITY_HOMES}) ORDER BY a.total DESC, h.name", y=year, c=city),
        raw.all("SELECT status, days, SUM(appeals) FROM summary_appeals WHERE year = :y AND "
                f"home_id IN ({CITY_HOMES}) GROUP BY status, days", y=year, c=city),
        raw.all("SELECT SUM(appeals) FROM summary_appeals WHERE status IN ('received', "
                f"'forwarded') AND home_id IN ({CITY_HOMES})", c=city),
        raw.all(f"SELECT status, COUNT(id) FROM needs WHERE home_id IN ({CITY_HOMES}) "
                "GROUP BY status", c=city),
    ]


def survey_results(raw: Raw, survey_id: int, home_id: int | None = None):
    """A survey's results: the survey and its questions, the responses counted, the answers per
    question and value (choice or scale point), and per question the responses answering it and
    the scale average — the three aggregates over the responses' answers."""
    where = "r.survey_id = :s" + (" AND r.home_id = :h" if home_id else "")
    params = {"s": survey_id, **({"h": home_id} if home_id else {})}
    value = "COALESCE(a.choice, CAST(a.number AS VARCHAR(10)))"
    return [
        raw.all("SELECT id, title, status, anonymous FROM surveys WHERE id = :s", s=survey_id),
        raw.all("SELECT id, position, text, kind, options FROM survey_questions "
                "WHERE survey_id = :s ORDER BY position", s=survey_id),
        raw.all(f"SELECT COUNT(r.id) FROM survey_responses r WHERE {where}", **params),
        raw.all(f"SELECT a.question_id, {value}, COUNT(*) FROM survey_answers a JOIN "
                f"survey_responses r ON r.id = a.response_id WHERE {where} AND "
                "(a.choice IS NOT NULL OR a.number IS NOT NULL) "
                f"GROUP BY a.question_id, {value}", **params),
        raw.all("SELECT a.question_id, COUNT(DISTINCT a.response_id), AVG(a.number) FROM "
                f"survey_answers a JOIN survey_responses r ON r.id = a.response_id WHERE {where} "
                "GROUP BY a.question_id", **params),
    ]


NEED_COLUMNS = ("n.id, n.kind, n.title, n.organization, n.city, n.status, n.receipt, n.home_id, "
                "n.received_at, n.contact_mobile")


def needs_list(raw: Raw, home_id: int | None, per_page: int = 50):
    """The needs queue, newest first: one keyset page (per_page + 1 rows; all needs for the
    office, a Home's for its manager) with the Homes' names and the assigned representatives."""
    where = "n.home_id = :h" if home_id else "1 = 1"
    params = {"h": home_id} if home_id else {}
    rows = raw.all(f"SELECT {NEED_COLUMNS}, h.name FROM needs n LEFT JOIN homes h "
                   f"ON h.id = n.home_id WHERE {where} ORDER BY n.received_at DESC, n.id DESC "
                   "LIMIT :n", n=per_page + 1, **params)
    ids = [r[0] for r in rows[:per_page]]
    if not ids:
        return [rows]
    marks = ", ".join(f":i{k}" for k in range(len(ids)))
    reps = raw.all(f"SELECT nr.need_id, u.id, u.name FROM need_representatives nr JOIN users u "
                   f"ON u.id = nr.user_id WHERE nr.need_id IN ({marks})",
                   **{f"i{k}": v for k, v in enumerate(ids)})
    return [rows, reps]


def attendance(raw: Raw, activity_id: int):
    """An activity's attendance page: the activity, its sign-in and every attendee in order."""
    return [
        raw.all("SELECT id, home_id, organizer_id, title, date, status FROM activities "
                "WHERE id = :a", a=activity_id),
        raw.all("SELECT id, code, closes_at, closed_at, last_attendee_no FROM activity_signins "
                "WHERE activity_id = :a", a=activity_id),
        raw.all("SELECT attendee_no, name, work_unit, field, mobile, is_worker, proxy, "
                "worker_note, signed_at, worker_id, cleared_at FROM attendees "
                "WHERE activity_id = :a ORDER BY attendee_no", a=activity_id),
    ]


AUDIT_COLUMNS = ("l.id, l.seq, l.created_at, l.actor_id, l.address, l.action, l.object_type, "
                 "l.object_id, l.result, l.detail, l.before, l.after, l.reason")


def audit_page(raw: Raw, action: str | None = None, result: str | None = None,
               per_page: int = 50):
    """/audit: one keyset page of entries newest first (per_page + 1 rows), filtered by action
    and result when given, with the actor's username and name."""
    where = " AND ".join([*(["l.action = :a"] if action else []),
                          *(["l.result = :r"] if result else [])]) or "1 = 1"
    params = {**({"a": action} if action else {}), **({"r": result} if result else {})}
    return [raw.all(f"SELECT {AUDIT_COLUMNS}, u.username, u.name FROM audit_log l LEFT JOIN "
                    f"users u ON u.id = l.actor_id WHERE {where} ORDER BY l.id DESC LIMIT :n",
                    n=per_page + 1, **params)]
