# ruff: noqa: F811  (the fixtures of test_browser.py are imported, then requested by name)
"""A Home manager on a 390×844 phone: the representatives page keeps its buttons readable (no
button squeezed to a character per line), lists names in pinyin order, and 新建代表账号 is in sight
at the top of the account page, not below every account."""
from extensions import db
from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401
from tests.support import factories as f

# Every visible button or button-like link: its text's lines, and whether it overflows its box.
_SQUEEZED = """() => [...document.querySelectorAll('main .btn, main button')]
    .filter(el => el.offsetParent !== null)
    .map(el => {
        const style = getComputedStyle(el);
        const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
        const text = el.innerText.trim();
        const lines = Math.round((el.clientHeight - parseFloat(style.paddingTop)
                                  - parseFloat(style.paddingBottom)) / line);
        return {text, lines, width: el.getBoundingClientRect().width,
                overflow: el.scrollWidth > el.clientWidth + 1};
    })
    .filter(b => b.text && (b.overflow || (b.text.length > 2 && b.lines > 2)))"""


def test_representatives_page_buttons_and_pinyin_order_on_a_phone(browser, server, world):
    for name in ("赵六", "阿里", "王五", "李明", "白雪"):
        f.representative(world.home_a, name=name)
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.manager_a)
    page.goto(server + "/manage/representatives")
    assert page.evaluate(_SQUEEZED) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    names = page.locator("[data-testid=representatives-table] tbody tr td:first-child a").all_inner_texts()
    assert names == ["阿里", "白雪", "代表甲", "代表乙", "李明", "王五", "赵六"]
    page.goto(server + "/manage/accounts")
    assert page.evaluate(_SQUEEZED) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for watch in watches:
        watch.assert_clean()
