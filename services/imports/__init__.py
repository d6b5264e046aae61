"""Excel imports of units, managers, representatives and workers (SPEC §5.8) — the public surface
of services/imports/.

operations.py decides who may import what where and runs one file as a dry run or an
all-or-nothing commit; reading.py reads a workbook and holds the shared types (rows, the report);
kinds.py and worker_rows.py describe each kind's columns, matching and writes; checks.py the
checks every kind shares; accounts.py writes the accounts an import creates; workbooks.py the
templates and refused rows handed back.
"""
from services.imports.operations import (
    commit_dry_run,
    get_import,
    import_target,
    run_import,
    template_access,
)
from services.imports.reading import (
    MAX_BYTES,
    PayloadTooLarge,
)
from services.imports.workbooks import (
    refused_workbook,
    template_workbook,
)

__all__ = [
    "MAX_BYTES",
    "PayloadTooLarge",
    "commit_dry_run",
    "get_import",
    "import_target",
    "refused_workbook",
    "run_import",
    "template_access",
    "template_workbook",
]
