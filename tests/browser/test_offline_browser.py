"""Going offline on a phone (390×844) loses nothing: the whole 记录活动 form, photos included, is a
local draft (IndexedDB) that a failed submit keeps and reopening restores; a successful submit
clears it. The manifest and /sw.js are served as such, the service worker registers on
127.0.0.1, and a page opened without a network shows the offline page listing what waits."""
import io
import time

from PIL import Image
from playwright.sync_api import expect

from extensions import db
from models import Activity
from services.storage import get_storage
from tests.browser.test_browser import browser, live_app, log_in, new_page, server  # noqa: F401
from tests.support import factories as f

DRAFTS = """() => new Promise((resolve, reject) => {
  const req = indexedDB.open('rephome-drafts', 1);
  req.onupgradeneeded = () => req.result.createObjectStore('forms', {keyPath: 'key'});
  req.onsuccess = () => {
    const all = req.result.transaction('forms').objectStore('forms').getAll();
    all.onsuccess = () => resolve(all.result.map(d => ({
      key: d.key, title: d.title, failed: d.failed, files: d.files.map(x => x.name)})));
    all.onerror = () => reject(all.error);
  };
  req.onerror = () => reject(req.error);
})"""
SUMMARY = "在社区活动室举办科普讲座，听取科技工作者关于职称评审的意见建议。"


def wait_for_drafts(page, check, timeout=20.0):
    """Poll this device's drafts until check(drafts) holds."""
    deadline = time.monotonic() + timeout
    while True:
        drafts = page.evaluate(DRAFTS)
        if check(drafts):
            return drafts
        assert time.monotonic() < deadline, drafts
        page.wait_for_timeout(100)


def small_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 120, 200)).save(out, "JPEG", quality=85)
    return out.getvalue()


def fill_everything(page, w, title):
    page.select_option("#theme", "neighborhood")
    page.select_option("#kind", "school")
    page.fill("#title", title)
    page.fill("#date", "2026-03-05")
    page.fill("#participants", "56")
    page.check("#mode-online", force=True)
    page.fill("#location", "南京市第一中学报告厅")
    page.fill("#summary", SUMMARY)
    page.check(f"#worker-{w.workers[1].id}")
    page.set_input_files("#attachments", [
        {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": small_photo()}])


def test_offline_submit_keeps_the_whole_form_and_reopening_restores_it(browser, server, world):  # noqa: F811
    w = world
    w.workers = [f.worker(linked_by=w.rep_a, name=f"工作者{i}") for i in range(3)]
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, w.rep_a)
    page.goto(server + "/me/activities/new")
    title = "浏览器测试：离线草稿"
    fill_everything(page, w, title)
    wait_for_drafts(page, lambda d: len(d) == 1 and len(d[0]["files"]) == 1)

    # No network: the submit fails, the form stays, and the page says what waits to be sent.
    page.context.set_offline(True)
    page.locator("button[name=action][value=submit]").tap()
    status = page.locator("[data-upload-status]")
    expect(status).to_contain_text("网络连接失败")
    expect(status).to_contain_text(title)
    expect(status).to_contain_text("1 个照片或文件")
    expect(page.locator("button[name=action][value=submit]")).to_be_enabled()
    drafts = page.evaluate(DRAFTS)
    assert len(drafts) == 1 and drafts[0]["failed"] is True and drafts[0]["files"] == ["现场.jpg"]
    assert db.session.query(Activity).filter_by(title=title).count() == 0

    # The phone is back online; the form is opened again (a new visit): everything is back.
    page.context.set_offline(False)
    page.goto(server + "/me/activities")
    page.goto(server + "/me/activities/new")
    notice = page.locator("[data-form-draft-notice]")
    expect(notice).to_contain_text("没有发送成功")
    expect(page.locator("#theme")).to_have_value("neighborhood")
    expect(page.locator("#kind")).to_have_value("school")
    expect(page.locator("#title")).to_have_value(title)
    expect(page.locator("#date")).to_have_value("2026-03-05")
    expect(page.locator("#participants")).to_have_value("56")
    expect(page.locator("#mode-online")).to_be_checked()
    expect(page.locator("#location")).to_have_value("南京市第一中学报告厅")
    expect(page.locator("#summary")).to_have_value(SUMMARY)
    expect(page.locator(f"#worker-{w.workers[1].id}")).to_be_checked()
    expect(page.locator(f"#worker-{w.workers[0].id}")).not_to_be_checked()
    assert page.evaluate("() => [...document.querySelector('#attachments').files]"
                         ".map(f => [f.name, f.size])") == [["现场.jpg", len(small_photo())]]

    # Sent: the activity is saved with its photo and the draft is gone.
    page.locator("button[name=action][value=submit]").tap()
    expect(page.locator(".alert-success")).to_contain_text("活动已提交审核", timeout=30000)
    assert page.evaluate(DRAFTS) == []
    activity = db.session.query(Activity).filter_by(title=title).one()
    assert activity.location == "南京市第一中学报告厅" and activity.participants == 56
    assert activity.mode.value == "online" and activity.kind.value == "school"
    assert [wk.id for wk in activity.workers] == [w.workers[1].id]
    assert [a.filename for a in activity.attachments] == ["现场.jpg"]
    with Image.open(io.BytesIO(get_storage().read(activity.attachments[0].stored_name))) as img:
        assert img.size == (800, 600)

    # A new form starts empty.
    page.goto(server + "/me/activities/new")
    expect(page.locator("#title")).to_have_value("")
    expect(page.locator("[data-form-draft-notice]")).to_have_count(0)
    for watch in watches:  # the one refused request is the offline submit's
        assert len([e for e in watch.errors if "ERR_INTERNET_DISCONNECTED" in e]) <= 1
        watch.errors = [e for e in watch.errors if "ERR_INTERNET_DISCONNECTED" not in e]
        watch.assert_clean()


def test_a_refused_form_gets_its_photos_back_and_another_user_sees_no_draft(browser, server, world):  # noqa: F811
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.rep_a)
    page.goto(server + "/me/activities/new")
    page.fill("#title", "浏览器测试：缺主题")
    page.set_input_files("#attachments", [
        {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": small_photo()}])
    page.locator("button[name=action][value=submit]").tap()
    # The server refuses (no theme): its page replaces the form, and the photo is put back.
    expect(page.locator(".alert-danger")).to_contain_text("请修改标出的内容")
    expect(page.locator("#title")).to_have_value("浏览器测试：缺主题")
    page.wait_for_function("() => document.querySelector('#attachments').files.length === 1")
    expect(page.get_by_test_id("files-not-saved")).to_have_count(0)

    # Someone else signs in on this phone: rep_a's draft is not theirs.
    page.goto(server + "/")
    with page.expect_navigation():
        page.evaluate("() => document.querySelector(\"form[action$='/logout']\").submit()")
    log_in(page, server, world.rep_a2)
    assert page.evaluate("() => localStorage.getItem('rephome:draft-owner')") is None
    page.goto(server + "/me/activities/new")
    assert page.evaluate("() => window.RepHomeDrafts.list()") == []  # what the offline page lists
    expect(page.locator("#title")).to_have_value("")
    page.wait_for_timeout(300)
    expect(page.locator("[data-form-draft-notice]")).to_have_count(0)
    for watch in watches:
        watch.errors = [e for e in watch.errors if "422" not in e]  # the refusal itself
        watch.assert_clean()


def test_manifest_and_service_worker(browser, server, world):  # noqa: F811
    watches = []
    page = new_page(browser, watches)
    manifest = page.request.get(server + "/manifest.webmanifest")
    assert manifest.ok and manifest.headers["content-type"].startswith("application/manifest+json")
    body = manifest.json()
    assert body["name"] == "科协代表之家" and body["lang"] == "zh-CN"
    assert body["display"] == "standalone" and body["start_url"] == "/"
    for icon in body["icons"]:
        png = page.request.get(server + icon["src"])
        assert png.ok and png.headers["content-type"] == "image/png"
        with Image.open(io.BytesIO(png.body())) as img:
            assert f"{img.width}x{img.height}" == icon["sizes"]
    assert {i["sizes"] for i in body["icons"]} >= {"192x192", "512x512"}
    sw = page.request.get(server + "/sw.js")
    assert sw.ok and sw.headers["content-type"].startswith("text/javascript")
    assert sw.headers["service-worker-allowed"] == "/"
    assert "no-cache" in sw.headers["cache-control"]
    offline = page.request.get(server + "/offline")
    assert offline.ok and "暂时无法连接服务器" in offline.text()

    # Signed in, the worker registers for the whole site and takes the page.
    log_in(page, server, world.rep_a)
    page.goto(server + "/me/activities/new")
    scope = page.evaluate("() => navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == server + "/"
    page.reload()
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")

    # A draft waits; the network goes: a page opens as the offline page, listing it.
    page.fill("#title", "浏览器测试：等待发送")
    wait_for_drafts(page, lambda d: len(d) == 1 and d[0]["title"] == "浏览器测试：等待发送")
    page.context.set_offline(True)
    page.goto(server + "/me/activities")
    expect(page.get_by_test_id("offline-page")).to_be_visible()
    expect(page.locator("[data-offline-draft]")).to_contain_text("浏览器测试：等待发送")
    expect(page.locator("[data-offline-draft]")).to_contain_text("记录活动")
    page.context.set_offline(False)
    page.locator("[data-offline-retry]").click()
    page.wait_for_load_state()
    expect(page.locator("h1")).not_to_contain_text("暂时无法连接")

    # What the worker keeps: the shell only, never a signed-in page.
    cached = page.evaluate("""() => caches.keys().then(names => Promise.all(names.map(n =>
        caches.open(n).then(c => c.keys()).then(reqs => reqs.map(r => new URL(r.url).pathname)))))
        .then(lists => lists.flat())""")
    assert "/offline" in cached
    assert not [p for p in cached if p.startswith("/me") or p.startswith("/dashboard")]
    for watch in watches:
        watch.errors = [e for e in watch.errors if "ERR_INTERNET_DISCONNECTED" not in e]
        watch.assert_clean()


def test_an_edit_form_offers_its_draft_back(browser, server, world):  # noqa: F811
    from models.enums import ActivityStatus
    activity = f.activity(world.rep_a, status=ActivityStatus.DRAFT, title="原来的名称")
    db.session.commit()
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.rep_a)
    page.goto(server + f"/me/activities/{activity.id}/edit")
    page.fill("#title", "改过的名称")
    wait_for_drafts(page, lambda d: len(d) == 1 and d[0]["title"] == "改过的名称")

    # Opened again, the server's values show and the local draft is offered, not imposed.
    page.goto(server + f"/me/activities/{activity.id}/edit")
    expect(page.locator("#title")).to_have_value("原来的名称")
    notice = page.locator("[data-form-draft-notice]")
    expect(notice).to_contain_text("本机保存有一份未提交的修改")
    notice.get_by_role("button", name="恢复本机草稿").click()
    expect(page.locator("#title")).to_have_value("改过的名称")
    page.locator("button[name=action][value=draft]").tap()
    expect(page.locator(".alert-success")).to_contain_text("活动已保存")
    assert page.url == server + f"/me/activities/{activity.id}"  # the address of the answer
    assert page.evaluate(DRAFTS) == []
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).title == "改过的名称"
    for watch in watches:
        watch.assert_clean()


def test_a_send_that_hangs_is_given_up_and_kept(browser, server, world):  # noqa: F811
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.rep_a)
    page.goto(server + "/me/activities/new")
    page.fill("#title", "浏览器测试：卡住的网络")
    page.set_input_files("#attachments", [
        {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": small_photo()}])
    # The POST is swallowed: no answer ever comes (a phone between cells).
    page.route("**/me/activities/new", lambda route: None if route.request.method == "POST"
               else route.continue_())
    page.evaluate("() => document.querySelector('form[data-upload]')"
                  ".setAttribute('data-upload-patience', '1000')")
    page.locator("button[name=action][value=submit]").tap()
    expect(page.locator("[data-upload-status]")).to_contain_text("网络连接失败", timeout=15000)
    expect(page.locator("button[name=action][value=submit]")).to_be_enabled()
    drafts = wait_for_drafts(page, lambda d: len(d) == 1 and d[0]["failed"])
    assert drafts[0]["files"] == ["现场.jpg"]
    assert db.session.query(Activity).filter_by(title="浏览器测试：卡住的网络").count() == 0
    page.unroute("**/me/activities/new")
    for watch in watches:
        watch.errors = [e for e in watch.errors if "ERR_" not in e]
        watch.assert_clean()
