"""Helpers every page blueprint shares: the one commit path for forms and one-click actions."""
from blueprints.web.commit import Outcome, commit_operation, form_errors

__all__ = ["Outcome", "commit_operation", "form_errors"]
