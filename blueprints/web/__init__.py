"""Helpers every page blueprint shares: the one commit path for forms and one-click actions, and
keyset pages for lists."""
from blueprints.web.commit import Outcome, commit_operation, form_errors
from blueprints.web.paging import Pager, keyset_pager, list_url

__all__ = ["Outcome", "Pager", "commit_operation", "form_errors", "keyset_pager", "list_url"]
