"""Walk the pages a signed-in account reaches by following links, and list the actions each page
offers: every `<form method=post>` (its action's endpoint) and every link that answers 403.

Used by the read-only tests: a viewer who may not change something must not be shown a button,
form or link that would answer 403 (blueprints/separation.py's rule, `may` in templates).
"""
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

from werkzeug.exceptions import HTTPException

#: Files, not pages: their links are followed for the status only.
FILE_TYPES = ("application/vnd", "application/pdf", "image/", "application/octet-stream",
              "text/csv", "application/zip")


class _Page(HTMLParser):
    """The links and POST forms of one HTML page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self.forms.append(attrs.get("action") or "")
        elif tag == "button" and attrs.get("formaction") and \
                (attrs.get("formmethod") or "").lower() == "post":
            self.forms.append(attrs["formaction"])


@dataclass
class Crawl:
    """What a walk found: pages opened, POST forms as (page, action path, endpoint), and links
    that answered 403 or 5xx as (page, link, status)."""

    pages: list[str] = field(default_factory=list)
    forms: list[tuple[str, str, str | None]] = field(default_factory=list)
    refused: list[tuple[str, str, int]] = field(default_factory=list)


def _key(url: str) -> tuple:
    """Pages count once per path and set of query names (a pager's values do not multiply them)."""
    parts = urlsplit(url)
    return parts.path, tuple(sorted({k for k, _ in parse_qsl(parts.query)}))


def endpoint_of(app, path: str, method: str = "GET") -> str | None:
    """The endpoint `method path` reaches in `app` (None when nothing matches)."""
    adapter = app.url_map.bind("localhost")
    try:
        endpoint, _args = adapter.match(urlsplit(path).path, method=method)
    except HTTPException:
        return None
    return endpoint


def crawl(app, client, start: list[str], *, limit: int = 400,
          skip_endpoints: frozenset = frozenset({"auth.logout"})) -> Crawl:
    """Open `start` and every same-site page linked from a page opened (GET), breadth first, at
    most `limit` pages; record each page's POST forms and each link answering 403 or 5xx."""
    found = Crawl()
    queue = [(None, url) for url in start]
    seen: set[tuple] = set()
    while queue and len(found.pages) < limit:
        source, url = queue.pop(0)
        parts = urlsplit(url)
        if parts.scheme and parts.scheme not in ("http", "https"):
            continue
        if parts.netloc and parts.netloc != "localhost":
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if not parts.path.startswith("/") or parts.path.startswith(("/static/", "/api/")):
            continue
        if _key(path) in seen or endpoint_of(app, path) in skip_endpoints:
            continue
        seen.add(_key(path))
        resp = client.get(path)
        if resp.status_code == 403 or resp.status_code >= 500:
            found.refused.append((source, path, resp.status_code))
            continue
        if resp.status_code in (301, 302, 303):
            queue.append((source, urljoin(path, resp.headers["Location"])))
            continue
        ctype = resp.headers.get("Content-Type", "")
        if resp.status_code != 200 or not ctype.startswith("text/html"):
            continue
        found.pages.append(path)
        page = _Page()
        page.feed(resp.get_data(as_text=True))
        for action in page.forms:
            target = urljoin(path, action) if action else path
            found.forms.append((path, urlsplit(target).path,
                                endpoint_of(app, target, "POST")))
        for link in page.links:
            if link.startswith(("#", "mailto:", "tel:", "javascript:")):
                continue
            queue.append((path, urljoin(path, link)))
    return found
