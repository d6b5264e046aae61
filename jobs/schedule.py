"""The one declarative table of scheduled jobs (SPEC §7): name, cron fields in Asia/Shanghai, function."""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from jobs import (
    assessment_drafts,
    compliance_sweep,
    deliver_messages,
    inactivity_reminder,
    publicity_close,
    queue_digest,
    signin_retention,
    validity_watch,
)
from services.clock import SHANGHAI

TIMEZONE = "Asia/Shanghai"


@dataclass(frozen=True)
class ScheduledJob:
    """A job of the table: `cron` holds APScheduler CronTrigger fields (Asia/Shanghai)."""

    name: str
    cron: dict
    func: Callable = field(compare=False)
    when: str  # the schedule in words (Chinese), for `flask jobs list` and the admin page
    does: str
    # A quiet job runs every minute: a scheduled run that did nothing (counts["attempted"] == 0) or
    # was skipped because another process holds the lease keeps no Job run. Runs from the CLI or
    # the jobs page are always recorded.
    quiet: bool = False

    def trigger(self):
        """The APScheduler 3.x CronTrigger of this job."""
        from apscheduler.triggers.cron import CronTrigger
        return CronTrigger(timezone=TIMEZONE, **self.cron)

    def next_run(self, now: datetime | None = None) -> datetime | None:
        """The next time the scheduler fires this job after `now` (Asia/Shanghai)."""
        now = now or datetime.now(SHANGHAI)
        return self.trigger().get_next_fire_time(None, now)


JOBS: tuple[ScheduledJob, ...] = (
    ScheduledJob("compliance_sweep", {"hour": 2, "minute": 0}, compliance_sweep.run,
                 "每天 02:00", "提醒联系科技工作者未达标的代表，并每周向管理员汇总"),
    ScheduledJob("inactivity_reminder", {"day_of_week": "mon", "hour": 8, "minute": 0},
                 inactivity_reminder.run, "每周一 08:00", "提醒 60 天内没有活动的代表"),
    ScheduledJob("validity_watch", {"hour": 1, "minute": 0}, validity_watch.run,
                 "每天 01:00", "到期的代表之家标记为已到期，到期前 60 天提醒管理员"),
    ScheduledJob("publicity_close", {"hour": 1, "minute": 30}, publicity_close.run,
                 "每天 01:30", "公示期结束后执行考核结果（不合格则撤销认定）"),
    ScheduledJob("assessment_drafts", {"month": 1, "day": 5, "hour": 3, "minute": 0},
                 assessment_drafts.run, "每年 1 月 5 日 03:00", "为每个有效的代表之家生成上一年度考核草稿"),
    ScheduledJob("queue_digest", {"hour": 8, "minute": 30}, queue_digest.run,
                 "每天 08:30", "提醒管理员审核提交已满 3 天仍待审核的活动"),
    ScheduledJob("deliver_messages", {"minute": "*"}, deliver_messages.run,
                 "每分钟", "发送排队的邮件和企业微信/钉钉群机器人消息，失败按指数退避重试",
                 quiet=True),
    ScheduledJob("signin_retention", {"hour": 3, "minute": 30}, signin_retention.run,
                 "每天 03:30", "按保存期限清除未关联为科技工作者的签到信息，汇总已到时的签到"),
)


def names() -> list[str]:
    """The job names, in table order."""
    return [job.name for job in JOBS]


def get(name: str) -> ScheduledJob | None:
    """The job of that name, or None."""
    return next((job for job in JOBS if job.name == name), None)
