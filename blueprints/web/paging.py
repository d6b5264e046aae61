"""Keyset pages for lists (下一页 / 上一页 by `?after=` / `?before=` cursors, services.paging):
a page reads its rows after (or before) the cursor in the list's order — never an OFFSET — and
its total from a summary when the caller has an exact one, else a count that stops at
EXACT_TOTAL_LIMIT ("10,000+ 条"), so its cost does not follow the size of the table.

A cursor that is not one of the list's answers 422 with a page naming it and a link to the
list's first page (the filters kept)."""
from dataclasses import dataclass

from flask import abort, make_response, render_template, request, url_for

from services.errors import ValidationFailed
from services.paging import EXACT_TOTAL_LIMIT, count_capped, keyset_page

CURSOR_ARGS = ("after", "before", "page")


@dataclass(frozen=True)
class Pager:
    """A page of a list as templates show it: `items`, the links (None when there is no such
    page) and the total as words ("共 12 条", "10,000+ 条"; "" when not shown)."""

    items: list
    next_url: str | None
    prev_url: str | None
    first_url: str | None  # 首页, on pages after the first
    total: str  # the total as a badge shows it: "12", "10,000+" ("" when not shown)

    @property
    def total_label(self) -> str:
        if not self.total:
            return ""
        return f"{self.total} 条" if self.total.endswith("+") else f"共 {self.total} 条"


def list_url(**cursor) -> str:
    """This list's address with its filters (path and query arguments) and `cursor` (after= or
    before=) in place of any cursor or page number it had."""
    args = dict(request.view_args or {})
    args.update({k: v for k, v in request.args.items() if k not in CURSOR_ARGS})
    args.update(cursor)
    return url_for(request.endpoint, **args)


def total_text(total: int, capped: bool) -> str:
    """"12", "1,234", or "10,000+" for a count that stopped at EXACT_TOTAL_LIMIT."""
    return f"{EXACT_TOTAL_LIMIT:,}+" if capped else f"{total:,}"


def keyset_pager(stmt, per_page: int, *, total: int | None = None, count: bool = True) -> Pager:
    """One page of `stmt` (ordered by columns ending with a unique one) at the request's
    `after=` / `before=` cursor. `total`: an exact total the caller read from a summary; else,
    when `count`, a capped count of `stmt` (one statement)."""
    after = request.args.get("after", "")
    before = request.args.get("before", "")
    try:
        page = keyset_page(stmt, after=after, before=before if not after else "",
                           per_page=per_page)
    except ValidationFailed as error:
        field = next(iter(error.fields or {"after": None}))
        abort(make_response(render_template("errors/bad_cursor.html", field=field,
                                            first_url=list_url()), 422))
    label = ""
    if total is not None:
        label = total_text(total, False)
    elif count:
        label = total_text(*count_capped(stmt, estimate=False))
    first = page.prev is not None
    return Pager(
        items=page.items,
        next_url=list_url(after=page.next) if page.next else None,
        prev_url=(list_url(before=page.prev) if page.prev else list_url()) if first else None,
        first_url=list_url() if first and page.prev else None,
        total=label)
