"""The batch work the bench times against its floors: create_for_all_active, the
assessment_drafts job through jobs.runner, and the compliance_sweep job."""
import statistics
import time

from bench import floors
from bench.timing import median_pair

BATCH_RATIO = 2.0


def measure_batch(app, url, runs, year):
    from extensions import db
    from services import assessments

    def batch():
        with app.app_context():
            created = assessments.create_for_all_active(None, year)
            db.session.flush()
            batch.n = len(created)
            db.session.rollback()
    raw = floors.Raw(url)
    median, floor_median = median_pair(batch, lambda: floors.assessment_batch(raw, year), runs,
                                       long_s=5.0)
    raw.close()
    print(f"  assessment_batch       {median * 1000:8.1f} ms  floor {floor_median * 1000:7.1f} ms"
          f"  ×{median / floor_median:5.2f}  ({batch.n} Homes)", flush=True)
    return {"key": "assessment_batch",
            "label": f"全部有效代表之家的年度考核草稿（{batch.n} 个，create_for_all_active）",
            "median": median, "floor": floor_median, "target": f"≤ {BATCH_RATIO} × floor",
            "ok": median <= BATCH_RATIO * floor_median}


def measure_drafts_job(app, url, runs, year):
    """The assessment_drafts job through jobs.runner.run_job as of 5 January of next year (this
    year's drafts, which the bench data does not have), its drafts deleted after each run; the
    floor writes the same drafts, items and audit entries in plain SQL and commits them."""
    from datetime import date

    import sqlalchemy as sa

    from extensions import db
    from jobs.runner import run_job
    from models import Assessment, AssessmentItem, JobRun

    def clean():
        with app.app_context():
            ids = sa.select(Assessment.id).where(Assessment.year == year)
            db.session.execute(sa.delete(AssessmentItem).where(AssessmentItem.assessment_id.in_(ids)))
            db.session.execute(sa.delete(Assessment).where(Assessment.year == year))
            db.session.execute(sa.delete(JobRun).where(JobRun.job_name == "assessment_drafts"))
            db.session.commit()

    def job():
        with app.app_context():
            run = run_job("assessment_drafts", date(year + 1, 1, 5))
            assert run.status.value == "success", run.error
            job.counts = dict(run.counts or {})
    raw = floors.Raw(url)
    samples, fsamples = [], []
    clean()
    for i in range(runs + 1):  # the first is a warm-up
        clean()
        t = time.perf_counter()
        job()
        elapsed = time.perf_counter() - t
        clean()  # the floor writes the same drafts, so it starts from none as the job did
        t = time.perf_counter()
        written = floors.assessment_batch(raw, year, committed=True)
        felapsed = time.perf_counter() - t
        assert written == job.counts.get("created"), (written, job.counts)
        if i:
            samples.append(elapsed)
            fsamples.append(felapsed)
    clean()
    raw.close()
    median, floor_median = statistics.median(samples), statistics.median(fsamples)
    print(f"  assessment_drafts job  {median * 1000:8.1f} ms  floor {floor_median * 1000:7.1f} ms"
          f"  ×{median / floor_median:5.2f}  {job.counts}", flush=True)
    return {"key": "assessment_drafts_job",
            "label": f"assessment_drafts 任务（{job.counts.get('created')} 个草稿，jobs.runner.run_job）",
            "median": median, "floor": floor_median, "target": f"≤ {BATCH_RATIO} × floor",
            "ok": median <= BATCH_RATIO * floor_median, "counts": job.counts}


def measure_sweep(app, url, runs):
    import sqlalchemy as sa

    from extensions import db
    from jobs.common import iso_week
    from jobs.runner import run_job
    from models import JobRun, Notification
    from services.clock import today

    def clean():
        with app.app_context():
            db.session.execute(sa.delete(Notification).where(Notification.kind.in_(
                ("compliance_reminder", "compliance_digest"))))
            db.session.execute(sa.delete(JobRun))
            db.session.commit()

    def sweep():
        with app.app_context():
            run = run_job("compliance_sweep", today())
            assert run.status.value == "success", run.error
            sweep.counts = dict(run.counts or {})
    raw = floors.Raw(url)
    week = iso_week(today())

    def floor():
        floors.compliance_sweep(raw, today().year, week)
    samples, fsamples = [], []
    clean()
    sweep()  # warm-up
    for _ in range(runs):  # alternately, each from a clean slate
        clean()
        t = time.perf_counter()
        sweep()
        samples.append(time.perf_counter() - t)
        floors.clean_floor_notifications(raw)
        t = time.perf_counter()
        floor()
        fsamples.append(time.perf_counter() - t)
    clean()
    floors.clean_floor_notifications(raw)
    raw.close()
    median, floor_median = statistics.median(samples), statistics.median(fsamples)
    print(f"  compliance_sweep       {median * 1000:8.1f} ms  floor {floor_median * 1000:7.1f} ms"
          f"  ×{median / floor_median:5.2f}  {sweep.counts}", flush=True)
    return {"key": "compliance_sweep",
            "label": "compliance_sweep 任务（全部代表，jobs.runner.run_job）",
            "median": median, "floor": floor_median, "target": "（无目标，报告）", "ok": None,
            "counts": sweep.counts}
