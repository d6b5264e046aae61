"""Photo uploads on a phone (390×844) in a real browser: photos are made smaller before they are
sent (upright, long side ≤ 2560 px) unless 保留原图 is ticked, PDFs go untouched, the upload shows
its progress on a slow link, and a double tap records one activity. Without JavaScript the form
still posts the files as they are."""
import io
import time

from PIL import Image
from playwright.sync_api import expect

from extensions import db
from models import Activity
from services.storage import get_storage
from tests.browser.test_browser import (  # noqa: F401
    PHONE,
    Watch,
    browser,
    live_app,
    log_in,
    new_page,
    server,
)

UPLOAD_BYTES_PER_SECOND = 1024 * 1024


def photo(width=4000, height=3000, orientation=None, fmt="JPEG") -> bytes:
    """A photo-like image (noise over a gradient) of width × height pixels as stored by a camera,
    with an EXIF orientation when given."""
    noise = Image.effect_noise((width // 4, height // 4), 40).resize((width, height), Image.BICUBIC)
    grad = Image.linear_gradient("L").resize((width, height))
    img = Image.merge("RGB", (noise, grad, Image.blend(noise, grad, 0.5)))
    out = io.BytesIO()
    if fmt == "JPEG":
        exif = Image.Exif()
        if orientation:
            exif[0x0112] = orientation
        img.save(out, "JPEG", quality=92, exif=exif.tobytes())
    else:
        img.save(out, fmt)
    return out.getvalue()


PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>"
       b"endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def fill_activity(page, title):
    page.select_option("#theme", "window")
    page.select_option("#kind", "exchange")
    page.fill("#title", title)
    page.fill("#participants", "30")
    page.fill("#location", "南京市鼓楼区")
    page.fill("#summary", "在社区活动室举办科普讲座，听取科技工作者的意见建议。")


def stored(attachment) -> bytes:
    return get_storage().read(attachment.stored_name)


def throttle(page, upload=UPLOAD_BYTES_PER_SECOND):
    """A slow upload link through the DevTools protocol (bytes per second)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", {
        "offline": False, "latency": 40, "downloadThroughput": 4 * 1024 * 1024,
        "uploadThroughput": upload})
    return cdp


def test_photos_are_resized_with_progress_and_a_double_tap_records_once(browser, server, world, live_app):  # noqa: F811
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.rep_a)
    page.goto(server + "/me/activities/new")
    title = "浏览器测试：压缩照片"
    fill_activity(page, title)
    landscape = photo()
    portrait_raw = photo(orientation=6)  # pixels 4000×3000, to be shown turned: 3000×4000
    page.set_input_files("#attachments", [
        {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": landscape},
        {"name": "IMG_0002.jpg", "mimeType": "image/jpeg", "buffer": portrait_raw},
        {"name": "议程.pdf", "mimeType": "application/pdf", "buffer": PDF},
    ])
    expect(page.locator("[data-keep-originals]")).to_be_visible()
    throttle(page)
    submit = page.locator("button[name=action][value=submit]")
    started = time.monotonic()
    submit.tap()
    submit.tap(force=True)  # the second tap of a double tap: the button is already disabled
    expect(submit).to_be_disabled()
    page.evaluate("() => document.querySelector('form[data-upload]').requestSubmit()")  # and Enter
    expect(page.locator("[data-upload-progress]")).to_be_visible()
    expect(page.locator(".alert-success")).to_contain_text("活动已提交审核", timeout=60000)
    elapsed = time.monotonic() - started

    activities = db.session.query(Activity).filter_by(title=title).all()
    assert len(activities) == 1
    files = {a.filename: a for a in activities[0].attachments}
    assert set(files) == {"IMG_0001.jpg", "IMG_0002.jpg", "议程.pdf"}
    with Image.open(io.BytesIO(stored(files["IMG_0001.jpg"]))) as img:
        assert img.format == "JPEG" and img.size == (2560, 1920)
    with Image.open(io.BytesIO(stored(files["IMG_0002.jpg"]))) as img:
        assert img.size == (1920, 2560)  # turned upright as its EXIF said, then reduced
    assert stored(files["议程.pdf"]) == PDF
    sent = sum(a.size for a in activities[0].attachments)
    assert sent < (len(landscape) + len(portrait_raw)) * 0.8
    print(f"\nupload: originals {len(landscape) + len(portrait_raw)} B, sent {sent} B, "
          f"{elapsed:.1f} s at {UPLOAD_BYTES_PER_SECOND} B/s")
    for watch in watches:
        watch.assert_clean()


def test_progress_moves_on_a_slow_link(browser, server, world):  # noqa: F811
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.rep_a)
    page.goto(server + "/me/activities/new")
    fill_activity(page, "浏览器测试：上传进度")
    page.check("#keep-originals")
    page.set_input_files("#attachments", [
        {"name": "big.jpg", "mimeType": "image/jpeg", "buffer": photo()}])
    throttle(page, upload=512 * 1024)
    page.evaluate("""() => {
        window.__seen = [];
        const meter = document.querySelector('[data-upload-progress] .progress');
        new MutationObserver(() => window.__seen.push(+meter.getAttribute('aria-valuenow')))
          .observe(meter, {attributes: true});
    }""")
    page.locator("button[name=action][value=draft]").tap()
    page.wait_for_function("() => (window.__seen || []).some(v => v > 0 && v < 100)", timeout=30000)
    expect(page.locator("[data-upload-status]")).to_contain_text("正在上传")
    expect(page.locator(".alert-success")).to_contain_text("活动已保存为草稿", timeout=60000)
    activity = db.session.query(Activity).filter_by(title="浏览器测试：上传进度").one()
    with Image.open(io.BytesIO(stored(activity.attachments[0]))) as img:
        assert img.size == (4000, 3000)  # 保留原图: sent as it was
    for watch in watches:
        watch.assert_clean()


def test_screenshots_stay_png_when_smaller(browser, server, world):  # noqa: F811
    watches = []
    page = new_page(browser, watches)
    log_in(page, server, world.rep_a)
    page.goto(server + "/me/activities/new")
    fill_activity(page, "浏览器测试：截图")
    shot = Image.new("RGB", (1170, 2532), "white")
    shot.paste((11, 79, 138), (0, 0, 1170, 300))
    out = io.BytesIO()
    shot.save(out, "PNG")
    page.set_input_files("#attachments", [
        {"name": "截屏.png", "mimeType": "image/png", "buffer": out.getvalue()}])
    page.locator("button[name=action][value=draft]").tap()
    expect(page.locator(".alert-success")).to_contain_text("活动已保存为草稿", timeout=30000)
    activity = db.session.query(Activity).filter_by(title="浏览器测试：截图").one()
    attachment = activity.attachments[0]
    assert attachment.content_type == "image/png" and attachment.filename == "截屏.png"
    for watch in watches:
        watch.assert_clean()


def test_without_javascript_the_form_posts_the_files_as_they_are(browser, server, world):  # noqa: F811
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  java_script_enabled=False, locale="zh-CN")
    watch = Watch(context)
    page = context.new_page()
    log_in(page, server, world.rep_a)
    page.goto(server + "/me/activities/new")
    expect(page.locator("[data-keep-originals]")).to_be_hidden()
    page.select_option("#theme", "window")
    page.select_option("#kind", "exchange")
    page.fill("#title", "浏览器测试：无脚本")
    page.fill("#summary", "无脚本时照常提交。")
    page.set_input_files("#attachments", [
        {"name": "IMG_0003.jpg", "mimeType": "image/jpeg", "buffer": photo()}])
    page.click("button[name=action][value=draft]")
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_contain_text("活动已保存为草稿")
    activity = db.session.query(Activity).filter_by(title="浏览器测试：无脚本").one()
    with Image.open(io.BytesIO(stored(activity.attachments[0]))) as img:
        assert img.size == (4000, 3000)
    watch.assert_clean()
    context.close()
