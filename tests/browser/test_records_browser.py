"""On a phone (390×844): a representative reads their 履职档案 and downloads it as Word; a manager
searches the queue and downloads the Home's 档案 and 台账. No sideways scrolling, no console error,
no request leaving 127.0.0.1."""
from datetime import date

from docx import Document

from extensions import db
from models import activity_co_organizers
from models.enums import ActivityStatus, Theme
from services.clock import today
from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401
from tests.support import factories as f


def _no_sideways_scroll(page):
    page.wait_for_load_state("load")  # the width counts once the stylesheets apply
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_representative_reads_and_downloads_the_record_on_a_phone(browser, server, world):  # noqa: F811
    w = world
    year = today().year
    a = f.activity(w.rep_a2, title="党建带科建联动推进会", date=date(year, 1, 9),
                   status=ActivityStatus.VERIFIED, theme=Theme.PARTY_BUILDING, kind="joint_building")
    db.session.execute(activity_co_organizers.insert().values(activity_id=a.id, user_id=w.rep_a.id))
    for i in range(5):
        f.contact(w.rep_a, f.worker(w.rep_a, name=f"工作者{i}"), date(year, 1, 2))
    db.session.commit()

    watches = []
    page = new_page(browser, watches)
    log_in(page, server, w.rep_a)
    page.goto(server + "/me/")
    page.get_by_role("link", name="履职档案").first.click()
    page.wait_for_load_state()
    assert f"/records/{w.rep_a.id}" in page.url
    assert page.get_by_test_id("record-workers").inner_text() == "5"
    assert page.get_by_text("党建带科建联动推进会").is_visible()
    assert page.locator(".record-month.active").count() == 1
    _no_sideways_scroll(page)
    download_button = page.get_by_role("link", name="下载 Word")
    box = download_button.bounding_box()
    assert box and box["x"] + box["width"] <= 390 and box["y"] < 844 * 2
    with page.expect_download() as info:
        download_button.click()
    text = "\n".join(p.text for p in Document(info.value.path()).paragraphs)
    assert "本年联系科技工作者 5 人" in text
    for watch in watches:
        watch.assert_clean()


def test_manager_searches_and_downloads_on_a_phone(browser, server, world):  # noqa: F811
    w = world
    f.activity(w.rep_a, title="党建读书会", date=date(today().year, 2, 2))
    f.activity(w.rep_a, title="进社区科普", date=date(today().year, 2, 3))
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, w.manager_a)
    page.goto(server + "/manage/queue")
    page.get_by_label("关键词").fill("党建")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_load_state()
    assert page.get_by_text("党建读书会").is_visible()
    assert page.get_by_text("进社区科普").count() == 0
    page.goto(server + "/manage/representatives")
    with page.expect_download() as info:
        page.get_by_role("link", name="下载全部履职档案").click()
    assert info.value.suggested_filename.endswith(".docx")
    page.goto(server + f"/records/ledger/{w.home_a.id}")
    _no_sideways_scroll(page)
    with page.expect_download() as info:
        page.get_by_role("link", name="下载 Word（含照片缩略图）").click()
    assert info.value.suggested_filename.endswith(".docx")
    for watch in watches:
        watch.assert_clean()
