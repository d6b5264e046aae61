"""services/dashboard/charts.py: pure functions from plain data to Plotly figures (no app, no database)."""
import json
import time

import plotly.graph_objects as go

from services.dashboard import charts as figures

BY_THEME_MONTH = {"party_building": [1] + [0] * 11, "window": [0, 2] + [0] * 10,
                  "neighborhood": [0] * 12, "innovation": [0] * 11 + [3]}


def test_theme_month_stacked_bars_with_chinese_labels():
    fig = figures.activities_by_theme_month(BY_THEME_MONTH)
    assert isinstance(fig, go.Figure)
    assert fig.layout.barmode == "stack"
    assert [t.name for t in fig.data] == ["代表+党建", "代表+窗口", "代表+邻里", "代表+创新"]
    assert list(fig.data[0].x) == [f"{m}月" for m in range(1, 13)]
    assert list(fig.data[3].y)[-1] == 3


def test_home_comparison_stacked_or_grouped():
    rows = [{"name": "南京市科协代表之家", "themes": {"window": 2, "innovation": 1}},
            {"name": "苏州市科协代表之家", "themes": {}}]
    stacked = figures.home_theme_comparison(rows)
    assert stacked.layout.barmode == "stack" and len(stacked.data) == 4
    window = [t for t in stacked.data if t.name == "代表+窗口"][0]
    assert list(window.x) == [0, 2]  # drawn bottom-up: the first Home is at the top
    assert figures.home_theme_comparison(rows, stacked=False).layout.barmode == "group"


def test_compliance_sorted_with_100_percent_line():
    rows = [{"name": "甲", "rate": 1.0}, {"name": "乙", "rate": 0.25}, {"name": "丙", "rate": 0.5}]
    fig = figures.compliance_chart(rows)
    bar = fig.data[0]
    assert bar.orientation == "h"
    assert list(bar.y) == ["甲", "丙", "乙"]  # lowest rate at the top of the chart
    assert list(bar.x) == [100.0, 50.0, 25.0]
    line = fig.layout.shapes[0]
    assert (line.x0, line.x1, line.type) == (100, 100, "line")


def test_score_ranking_and_grade_distribution():
    rows = [{"name": "甲", "total": 91.5, "grade": "excellent"},
            {"name": "乙", "total": 59.0, "grade": "fail"}]
    ranking = figures.score_ranking(rows)
    assert list(ranking.data[0].y) == ["乙", "甲"] and list(ranking.data[0].x) == [59.0, 91.5]
    dist = figures.grade_distribution({"excellent": 1, "fail": 2})
    assert list(dist.data[0].x) == ["优秀", "良好", "合格", "不合格"]
    assert list(dist.data[0].y) == [1, 0, 0, 2]


def test_heatmap_representative_by_month():
    fig = figures.representative_heatmap([{"name": "代表甲", "months": [1] + [0] * 11},
                                          {"name": "代表乙", "months": [0] * 11 + [2]}])
    heat = fig.data[0]
    assert heat.type == "heatmap"
    assert list(heat.y) == ["代表乙", "代表甲"]
    assert [list(r) for r in heat.z][0][-1] == 2


def test_progress_ring_toward_threshold():
    fig = figures.contact_progress_ring(3, 5)
    pie = fig.data[0]
    assert pie.hole == 0.7 and list(pie.values) == [3, 2]
    assert fig.layout.annotations[0].text == "3/5"
    over = figures.contact_progress_ring(7, 5)
    assert list(over.data[0].values) == [5, 0]
    assert over.layout.annotations[0].text == "7/5"


def test_activities_against_target_line():
    fig = figures.activities_against_target({"window": 2, "innovation": 5}, 4)
    assert list(fig.data[0].y) == [0, 2, 0, 5]
    assert fig.layout.shapes[0].y0 == 4 and fig.layout.shapes[0].y1 == 4
    assert "目标 4 项" in fig.layout.annotations[0].text


def test_json_carries_the_responsive_config_and_no_template():
    out = json.loads(figures.to_json(figures.activities_by_theme_month(BY_THEME_MONTH)))
    assert set(out) == {"data", "layout", "config"}
    assert out["config"]["responsive"] is True and out["config"]["displayModeBar"] is False
    assert "template" not in out["layout"]
    assert "代表+党建" in figures.to_json(figures.activities_by_theme_month(BY_THEME_MONTH))


def test_empty_data_still_makes_figures():
    for fig in (figures.home_theme_comparison([]), figures.compliance_chart([]),
                figures.score_ranking([]), figures.representative_heatmap([]),
                figures.contact_progress_ring(0, 5), figures.grade_distribution({})):
        json.loads(figures.to_json(fig))


def test_cheap_at_scale():
    rows = [{"name": f"代表之家{i}", "themes": {"window": i}, "rate": i / 200, "total": i / 2,
             "grade": "pass"} for i in range(200)]
    start = time.perf_counter()
    for fn in (figures.home_theme_comparison, figures.compliance_chart, figures.score_ranking):
        figures.to_json(fn(rows))
    figures.to_json(figures.representative_heatmap(
        [{"name": f"代表{i}", "months": [i % 3] * 12} for i in range(300)]))
    assert time.perf_counter() - start < 2.0


def _whole_ticks(axis, top):
    """The tick values a Plotly axis with tick0/dtick draws from 0 to `top`."""
    assert axis.tickformat == ",d" and axis.dtick == int(axis.dtick) and axis.dtick >= 1
    return [axis.tick0 + i * axis.dtick for i in range(int(top // axis.dtick) + 1)]


def test_count_axes_only_have_whole_ticks():
    """Counts never tick at 0.5 nor repeat a label ("0 1 1"): every count axis steps by a whole
    number, 1 for small counts, about six ticks for larger ones."""
    assert figures.count_axis(1)["dtick"] == 1 and figures.count_axis(0)["dtick"] == 1
    assert figures.count_axis(6)["dtick"] == 1 and figures.count_axis(7)["dtick"] == 2
    assert figures.count_axis(95)["dtick"] == 20 and figures.count_axis(10**6)["dtick"] >= 10**5
    small = {"party_building": [1] + [0] * 11}
    fig = figures.activities_by_theme_month(small)
    assert _whole_ticks(fig.layout.yaxis, 1) == [0, 1]
    rows = [{"name": "甲", "themes": {"window": 1}}]
    assert figures.home_theme_comparison(rows).layout.xaxis.dtick == 1
    assert figures.grade_distribution({"excellent": 1}).layout.yaxis.dtick == 1
    for target in (None, 2):
        mine = figures.activities_against_target({"window": 1}, target)
        assert mine.layout.yaxis.dtick == 1 and mine.layout.yaxis.tickformat == ",d"
    heat = figures.representative_heatmap([{"name": "甲", "months": [1] + [0] * 11}])
    assert heat.data[0].colorbar.dtick == 1


def test_survey_result_bars_tick_whole_counts():
    from blueprints.surveys.results import _figure
    fig = json.loads(_figure({"kind": "single", "counts": {"是": 1, "否": 0}}))
    assert fig["layout"]["xaxis"]["dtick"] == 1 and fig["layout"]["xaxis"]["tickformat"] == ",d"
