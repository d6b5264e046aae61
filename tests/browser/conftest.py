"""Patience for the browser tests: CI runs them on 2 shared cores, where a page that answers in
0.3 s on a quiet machine may take several seconds. Playwright's `expect` waits 5 s by default and
a page's actions 30 s; both wait up to BROWSER_WAIT_MS here, so a slow machine makes a test slow,
not red. A test that means to check speed measures it itself (tests/browser/test_slow_network.py)."""
from playwright.sync_api import expect

BROWSER_WAIT_MS = 30_000

expect.set_options(timeout=BROWSER_WAIT_MS)
