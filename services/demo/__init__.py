from services.demo.seed import (
    DEMO_LOGINS,
    seed_demo,
)

__all__ = [
    "DEMO_LOGINS",
    "seed_demo",
]
