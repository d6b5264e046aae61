"""The page rendering of the activity filters (services.activities.read_filters): a bad value is
left out of the list and the page says "已忽略无效的筛选条件" (the API refuses it with 422)."""
from flask import request

from services import activities
from services.years import FILTER_YEARS


def page_filters(stmt, accept=activities.FILTER_FIELDS) -> tuple:
    """(stmt narrowed by the valid filters of the query string, what the filter form shows): the
    form values (status, theme, year, home_id, q as strings), the years offered, and `notice`
    naming the ignored filters ('' when none was)."""
    reading = activities.read_filters(request.args, accept)
    values = reading.filters.form_values()
    context = {**values, "years": FILTER_YEARS.offered(selected=FILTER_YEARS.parse(values.get("year"))),
               "filter_notice": reading.notice}
    return activities.apply_filters(stmt, reading.filters), context
