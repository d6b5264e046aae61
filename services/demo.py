"""The demo province (placeholder until the seed is written)."""
DEMO_LOGINS = []


def seed_demo() -> bool:
    return False
