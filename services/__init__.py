"""Business rules as plain functions over models, shared by views, the API, jobs and the CLI.

Services validate, change objects, flush and write the audit log; the caller (one request, one job,
one command) commits once, so a refused change leaves nothing half-written.
"""
