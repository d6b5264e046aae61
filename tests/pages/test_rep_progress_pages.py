"""A representative's own progress as they read it: 我的进度 states the activity target as the
Home's yearly (assessment) target, beside the Home's count, not as a personal "目标 4 / 未完成"; and
recording a contact lands on a page that shows n/5 this year and links the next linked worker not
yet contacted this year."""
import re
from datetime import date

from models.enums import ActivityStatus, Kind, Theme
from services.clock import today
from tests.support import factories as f


def _own_rows(text: str) -> dict:
    """{theme label: [cells]} of the page's own-activities table."""
    table = text[text.index('data-testid="table-own"'):]
    table = table[:table.index("</table>")]
    rows = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = [re.sub(r"<[^>]+>", "", c).strip()
                 for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        if cells:
            rows[cells[0]] = cells
    return rows


def test_my_progress_words_the_target_as_the_homes(world, login, db):
    year = today().year
    f.activity(world.rep_a, status=ActivityStatus.VERIFIED, date=date(year, 1, 5), theme=Theme.WINDOW)
    for _ in range(4):
        f.activity(world.rep_a2, status=ActivityStatus.VERIFIED, date=date(year, 1, 6),
                   theme=Theme.WINDOW)
    db.session.commit()
    text = login(world.rep_a).get(f"/dashboard/representative?year={year}").get_data(as_text=True)
    assert "本代表之家年度活动目标" in text
    assert "未完成" not in text and "目标 4 项" not in text  # no personal target anywhere
    rows = _own_rows(text)
    assert rows["主题"] == ["主题", "我参与的", "本代表之家合计", "本代表之家年度活动目标"]
    assert rows["代表+窗口"] == ["代表+窗口", "1", "5", "4 项（已达到）"]
    assert rows["代表+创新"] == ["代表+创新", "0", "0", "4 项（还差 4 项）"]
    # The Home's figures are its own: another Home's activities are not in them.
    f.activity(world.rep_b, status=ActivityStatus.VERIFIED, date=date(year, 1, 7),
               theme=Theme.INNOVATION, kind=Kind.SALON)
    db.session.commit()
    text = login(world.rep_a).get(f"/dashboard/representative?year={year}").get_data(as_text=True)
    assert _own_rows(text)["代表+创新"][2] == "0"


def test_recording_a_contact_shows_progress_and_the_next_worker(world, login, db):
    year = today().year
    workers = [f.worker(linked_by=world.rep_a, name=name) for name in ("甲工", "乙工", "丙工")]
    f.contact(world.rep_a, workers[1], date(year, 1, 3))
    f.contact(world.rep_a, workers[2], date(year - 1, 5, 3))  # last year's does not count
    other = f.worker(linked_by=world.rep_a2, name="别人的工")  # not linked to rep_a
    db.session.commit()
    client = login(world.rep_a)
    resp = client.post("/me/contacts/new", data={
        "worker_id": str(workers[0].id), "date": today().isoformat(), "channel": "phone",
        "summary": "电话了解科研项目进展"}, follow_redirects=True)
    text = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "联系记录已保存" in text
    progress = text[text.index('data-testid="contact-progress"'):]
    assert re.search(r'data-testid="contacted-count">2/5<', progress)
    nxt = re.search(r'data-testid="next-worker" href="([^"]+)">下一位：([^（<]+)', progress)
    assert nxt and nxt.group(2) == "丙工" and f"/workers/{workers[2].id}" in nxt.group(1)
    assert other.name not in progress
    # On the next worker's page, once every linked worker is contacted, nothing is left.
    client.post("/me/contacts/new", data={"worker_id": str(workers[2].id),
                                          "date": today().isoformat(), "channel": "visit",
                                          "summary": "走访"})
    text = client.get(f"/me/workers/{workers[2].id}").get_data(as_text=True)
    assert 'data-testid="next-worker"' not in text and "3/5" in text
    assert "本年都已联系" in text
