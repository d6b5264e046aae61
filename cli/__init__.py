"""The `flask` command line for the people who operate RepHome (SPEC §9).

`register(app)` attaches every group: the operator's commands (operator.py), `flask storage`
(storage.py), `flask audit verify` (audit.py), `flask users unlock|otp-reset` (users.py),
`flask jobs` (the jobs package's own group)
and, when the benchmark folder is present, `flask seed-bench` (bench registers it itself; the
product never depends on bench/).
"""
from cli.audit import audit_group
from cli.operator import (
    create_user_command,
    rebuild_summaries_command,
    seed_demo_command,
    serve_command,
)
from cli.storage import storage_group
from cli.users import users_group
from jobs.cli import jobs_group


def register(app) -> None:
    """Attach the commands to `flask`."""
    for command in (create_user_command, seed_demo_command, serve_command,
                    rebuild_summaries_command, storage_group, jobs_group, audit_group,
                    users_group):
        app.cli.add_command(command)
    _register_benchmark(app)


def _register_benchmark(app) -> None:
    """`flask seed-bench` (SPEC §9) is defined by bench/, imported only here and only lazily, so
    a deployment without the bench folder still starts."""
    try:
        from bench.cli import register as register_benchmark
    except ImportError:
        return
    register_benchmark(app)
