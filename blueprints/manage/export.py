"""Excel export of a Home's representatives table (openpyxl), guarded against formula injection."""
import sqlalchemy as sa

from blueprints import xlsx
from extensions import db
from models import ContactRecord, User, Worker, WorkerLink
from models.enums import Role, Theme
from services.compliance import year_bounds
from services.privacy import mask_mobile

safe_cell = xlsx.safe


def worker_rows(home_id: int, year: int):
    """(representative, worker, masked mobile, contacts in year) for the Home — one query.
    Managers see workers' mobiles masked (SPEC §4), so the export masks them always.
    Only the Home's own representatives' contact records are grouped (their index range), never
    the whole province's."""
    start, end = year_bounds(year)
    home_reps = sa.select(User.id).where(User.home_id == home_id, User.role == Role.REPRESENTATIVE)
    per_pair = (sa.select(ContactRecord.representative_id.label("rid"),
                          ContactRecord.worker_id.label("wid"),
                          # count(*), not count(id): the rows come from the covering index
                          # (representative_id, date, worker_id) alone, never the table.
                          sa.func.count().label("n"))
                .where(ContactRecord.representative_id.in_(home_reps),
                       ContactRecord.date >= start, ContactRecord.date <= end)
                .group_by(ContactRecord.representative_id, ContactRecord.worker_id).subquery())
    stmt = (sa.select(User.name, Worker, sa.func.coalesce(per_pair.c.n, 0))
            .join(WorkerLink, WorkerLink.representative_id == User.id)
            .join(Worker, Worker.id == WorkerLink.worker_id)
            .outerjoin(per_pair, sa.and_(per_pair.c.rid == User.id, per_pair.c.wid == Worker.id))
            .where(User.home_id == home_id, User.role == Role.REPRESENTATIVE)
            .order_by(User.name_key, User.id, Worker.name, Worker.id))
    return [(rep, w.name, w.work_unit, w.field, mask_mobile(w.mobile), int(n))
            for rep, w, n in db.session.execute(stmt)]


def representatives_workbook(rows, home_id: int, year: int, threshold: int) -> bytes:
    """Sheet 1: the table as shown; sheet 2: each representative's workers (masked mobiles).
    Written in write-only mode; each header frozen, 最近已审核活动 a date cell."""
    wb = xlsx.book()
    header = ["姓名", "层级", "工作单位", f"{year}年联系人数", f"达标（≥{threshold}）",
              *[f"{t.label}（已审核）" for t in Theme], "最近已审核活动", "状态"]
    xlsx.write_table(wb, "代表", header, [
        (r.representative.name, r.representative.level.label if r.representative.level else "",
         r.representative.work_unit, r.contacted_count, "是" if r.compliant else "否",
         *[r.themes[t.value] for t in Theme],
         r.last_activity,
         "启用" if r.representative.active else "停用")
        for r in rows], formats={5 + len(Theme): "date"})
    xlsx.write_table(wb, "联系的科技工作者", ["代表", "科技工作者", "工作单位", "从事领域", "手机号",
                                         f"{year}年联系次数"], worker_rows(home_id, year))
    return xlsx.save(wb).getvalue()
