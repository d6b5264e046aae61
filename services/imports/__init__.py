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
