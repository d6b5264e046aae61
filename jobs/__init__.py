"""Scheduled jobs (SPEC §7): one module per job and a declarative table of schedules."""
