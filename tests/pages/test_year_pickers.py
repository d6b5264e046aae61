"""Year pickers offer the years that hold anything — from the first activity, Home recognition,
application round or assessment to this year — not ten years back to 2017 (nor 2000–2100 in a
number box); a year opened by its address is offered too."""
import re
from datetime import date

import pytest

from services.clock import today
from services.years import FILTER_YEARS, PLAN_YEARS, first_data_year
from tests.support import factories as f

THIS_YEAR = today().year


def _offered(html: str) -> list[int]:
    select = re.search(r'<select[^>]*name="year"[^>]*>(.*?)</select>', html, re.S)
    assert select, "no year picker"
    return [int(y) for y in re.findall(r'<option value="(\d{4})"', select.group(1))]


def _pages(w):
    return [(w.rep_a, "/dashboard/representative"), (w.rep_a, "/me/activities"),
            (w.manager_a, "/dashboard/home"), (w.manager_a, "/manage/representatives"),
            (w.manager_a, "/manage/activities"), (w.manager_a, f"/records/{w.rep_a.id}"),
            (w.manager_a, f"/records/ledger/{w.home_a.id}"),
            (w.admin, "/dashboard/province"), (w.admin, "/province/assessments")]


def test_an_empty_platform_offers_this_year_only(db):
    assert first_data_year() == THIS_YEAR
    assert FILTER_YEARS.offered() == [THIS_YEAR]
    assert FILTER_YEARS.offered(selected=2019) == [THIS_YEAR, 2019]
    assert FILTER_YEARS.offered(selected=1999) == [THIS_YEAR]  # outside the range: not offered


@pytest.mark.parametrize("index", range(9))
def test_every_picker_starts_at_the_first_year_with_data(world, db, login, index):
    f.activity(world.rep_a, date=date(THIS_YEAR - 2, 5, 1))
    db.session.commit()
    user, url = _pages(world)[index]
    client = login(user)
    offered = _offered(client.get(url).get_data(as_text=True))
    assert offered == [THIS_YEAR, THIS_YEAR - 1, THIS_YEAR - 2], url
    sep = "&" if "?" in url else "?"
    opened = _offered(client.get(f"{url}{sep}year={THIS_YEAR - 5}").get_data(as_text=True))
    assert THIS_YEAR - 5 in opened and min(opened) == THIS_YEAR - 5 and THIS_YEAR - 6 not in opened


def test_the_first_year_reads_homes_rounds_and_assessments(world, db):
    world.home_a.recognized_on = date(THIS_YEAR - 3, 6, 1)
    db.session.commit()
    assert first_data_year() == THIS_YEAR - 3
    f.round_(year=THIS_YEAR - 4, deadline=date(THIS_YEAR - 4, 6, 30))
    db.session.commit()
    assert first_data_year() == THIS_YEAR - 4
    assert PLAN_YEARS.offered()[-1] == THIS_YEAR - 4
