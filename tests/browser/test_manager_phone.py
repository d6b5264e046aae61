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


def test_new_account_is_in_sight_on_a_phone(browser, server, world):
    for i in range(30):  # a Home with many accounts: the list is long
        f.representative(world.home_a, name=f"代表{i:02d}")
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.manager_a)
    page.goto(server + "/manage/accounts")
    link = page.locator("[data-testid=new-account]")
    box = link.bounding_box()
    assert link.is_visible() and box["y"] + box["height"] <= 844  # in the first screen
    link.click()
    page.wait_for_load_state()
    form = page.locator("[data-testid=new-account-form]")
    assert form.bounding_box()["y"] < 844
    assert page.locator("input[type=password]").count() == 0
    page.fill("input[name=username]", "phone_rep")
    page.fill("input[name=name]", "手机新建")
    page.select_option("select[name=level]", "county")
    page.click("#submit")
    page.wait_for_load_state()
    code = page.locator("[data-testid=activation-code]")
    assert code.is_visible() and len(code.inner_text().strip()) == 14
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for watch in watches:
        watch.assert_clean()


def test_review_comes_before_admin_delete_on_a_phone(browser, server, world):
    activity = f.activity(world.rep_a, title="待审核的活动")
    f.activity(world.rep_a2, title="另一条待审核")
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.manager_a)
    page.goto(f"{server}/manage/activities/{activity.id}")
    review = page.locator("#review").bounding_box()
    delete = page.get_by_role("button", name="以管理员身份删除").bounding_box()
    assert review["y"] + review["height"] <= delete["y"]
    page.get_by_role("button", name="审核通过").click()
    page.wait_for_load_state()
    page.locator("[data-testid=next-waiting]").click()
    page.wait_for_load_state()
    assert "另一条待审核" in page.locator("h1").inner_text()
    for watch in watches:
        watch.assert_clean()
