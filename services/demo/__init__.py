"""The demo province that `make run` seeds into an empty database (demo data, not a rule) — the
public surface of services/demo/.
"""
from services.demo.seed import (
    DEMO_LOGINS,
    seed_demo,
)

__all__ = [
    "DEMO_LOGINS",
    "seed_demo",
]
