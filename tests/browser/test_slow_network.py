# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""Chart pages on a slow phone link (Chromium's network throttling through CDP: 1.6 Mbps down,
750 kbps up, 150 ms latency) with an empty cache: the bytes transferred stay within 600 KB, and the
KPIs and tables show before any chart is drawn (plotly.js is deferred). Seconds are printed
(pytest -s) for bench/RESULTS.md, not asserted.

Uses the fixtures of test_browser.py (the live app on port 0, Debian's Chromium).
"""
import time

import pytest

from tests.browser.test_browser import (  # noqa: F401  (fixtures)
    PHONE,
    browser,
    charts_drawn,
    live_app,
    log_in,
    seeded,
    server,
)

#: 1.6 Mbps down, 750 kbps up, in bytes per second; 150 ms of latency (a weak 4G/3G phone link).
THROTTLE = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8,
            "uploadThroughput": 750_000 / 8, "connectionType": "cellular3g"}
BUDGET = 600 * 1024

#: Records when the first table and the first drawn chart appear (ms since navigation start).
OBSERVER = """
window.__light = {};
new MutationObserver(() => {
  const t = performance.now();
  if (!window.__light.table && document.querySelector('[data-testid^="table-"] tbody tr')) {
    window.__light.table = t;
    window.__light.chartAtTable = !!document.querySelector('[data-figure] svg.main-svg');
  }
  if (!window.__light.chart && document.querySelector('[data-figure] svg.main-svg')) {
    window.__light.chart = t;
  }
}).observe(document, {childList: true, subtree: true});
"""


@pytest.mark.parametrize("role,path,charts", [
    ("rep_a", "/dashboard/representative", 2),
    ("manager_a", "/dashboard/home", 1),
    ("admin", "/dashboard/province", 5),
])
def test_a_chart_page_is_light_on_a_slow_phone_link(browser, server, seeded, role, path, charts):
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, locale="zh-CN",
                                  timezone_id="Asia/Shanghai",
                                  # Truly cold: no service worker serves the shell from its cache.
                                  service_workers="block")
    page = context.new_page()
    log_in(page, server, getattr(seeded, role))
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.clearBrowserCache")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", THROTTLE)
    urls, sizes = {}, {}
    cdp.on("Network.responseReceived", lambda e: urls.__setitem__(
        e["requestId"], (e["response"]["url"],
                         {k.lower(): v for k, v in e["response"]["headers"].items()})))
    cdp.on("Network.loadingFinished",
           lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.add_init_script(OBSERVER)

    start = time.monotonic()
    page.goto(server + path, wait_until="commit")
    page.wait_for_selector('[data-testid^="kpi-"]', state="visible", timeout=30000)
    page.wait_for_selector('[data-testid^="table-"]', state="visible", timeout=30000)
    readable = time.monotonic() - start
    assert charts_drawn(page, charts) == charts
    drawn = time.monotonic() - start
    page.wait_for_load_state("load")
    page.wait_for_timeout(200)  # the last loadingFinished events
    marks = page.evaluate(
        "() => ({...window.__light, fcp: (performance.getEntriesByName('first-contentful-paint')[0]"
        " || {}).startTime})")
    total = sum(sizes.values())
    context.close()

    plotly = [(urls[r][1].get("content-encoding", "identity"), sizes[r]) for r in sizes
              if r in urls and "vendor/plotly" in urls[r][0]]
    print(f"\n{path} at 1.6 Mbps, empty cache: {total} bytes in {len(sizes)} responses "
          f"(plotly.js {plotly}); first paint {marks.get('fcp', 0) / 1000:.2f} s, "
          f"table {marks.get('table', 0) / 1000:.2f} s, first chart {marks.get('chart', 0) / 1000:.2f} s; "
          f"wall clock: readable {readable:.2f} s, charts drawn {drawn:.2f} s")
    assert total <= BUDGET, {urls.get(r, ("?",))[0]: s for r, s in sizes.items()}
    assert plotly and plotly[0][0] in ("gzip", "br")
    # The table (and the KPIs above it) were there before any chart was drawn.
    assert marks.get("table") is not None and marks.get("chart") is not None
    assert marks["chartAtTable"] is False and marks["table"] < marks["chart"]
