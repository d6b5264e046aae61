"""`flask jobs run NAME` for the two-host test, with a gate inside the job so that both runs overlap.

Run as `python -m tests.support.hosts_job NAME GATE_DIR` with a host's environment. The real job is wrapped:
on entering it writes GATE_DIR/entered-<pid>, waits until GATE_DIR/open exists (at most 60 s),
then does the real work. The lease in job_locks decides which of two such processes gets in.
"""
import dataclasses
import os
import sys
import time

from app import create_app
from jobs import schedule
from jobs.cli import jobs_group


def main(name: str, gate: str) -> None:
    job = schedule.get(name)
    real = job.func

    def gated(today):
        with open(os.path.join(gate, f"entered-{os.getpid()}"), "w"):
            pass
        deadline = time.monotonic() + 60
        while not os.path.exists(os.path.join(gate, "open")) and time.monotonic() < deadline:
            time.sleep(0.05)
        return real(today)

    schedule.JOBS = tuple(dataclasses.replace(j, func=gated) if j.name == name else j
                          for j in schedule.JOBS)
    app = create_app()
    with app.app_context():
        jobs_group.main(["run", name], prog_name="flask jobs")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
