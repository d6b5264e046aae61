"""Dashboard charts as pure functions: plain data in, a Plotly figure out (no database, no Flask).

Labels are Chinese (themes from models.enums), layouts are compact and responsive so that the
charts read on a phone. `to_json` serialises a figure with the page's Plotly config for the
`data-figure` attribute that static/js/charts.js draws.
"""
import json

import plotly.graph_objects as go
from plotly.utils import PlotlyJSONEncoder

from models.enums import Grade, Theme

#: Plotly config for every chart: resizes with its container, no mode bar (and no link to plot.ly).
CONFIG = {"responsive": True, "displayModeBar": False, "displaylogo": False}

THEME_COLORS = {
    Theme.PARTY_BUILDING.value: "#c0392b",
    Theme.WINDOW.value: "#2471a3",
    Theme.NEIGHBORHOOD.value: "#229954",
    Theme.INNOVATION.value: "#d68910",
}
GRADE_COLORS = {Grade.EXCELLENT.value: "#1e8449", Grade.GOOD.value: "#2e86c1",
                Grade.PASS.value: "#d4ac0d", Grade.FAIL.value: "#c0392b"}
MONTH_LABELS = [f"{m}月" for m in range(1, 13)]
#: Light (none) to dark (many), spelled out: plotly.js's own "Blues" runs the other way.
BLUES = [[0.0, "#f7fbff"], [0.25, "#c6dbef"], [0.5, "#6baed6"], [0.75, "#2171b5"],
         [1.0, "#08306b"]]
FONT = {"family": '"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif',
        "size": 12}


def _layout(title: str, *, height: int = 340, **extra) -> dict:
    layout = {
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 14}},
        "height": height,
        "autosize": True,
        "margin": {"l": 40, "r": 12, "t": 40, "b": 40},
        "font": FONT,
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0,
                   "traceorder": "normal"},
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "separators": ".,",
    }
    layout.update(extra)
    return layout


#: Tick steps a count axis may take (whole numbers only: no 0.5 persons).
_STEPS = (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000)


def count_axis(highest, *, ticks: int = 6, **extra) -> dict:
    """A Plotly axis for counts up to `highest` (a number): from 0, whole-number ticks only
    (`tickformat` ",d" and a whole `dtick` of about `ticks` steps, 1 for small counts), so a
    count never shows at 0.5 nor repeats a tick label. `extra` adds or overrides axis keys."""
    top = max(int(highest or 0), 1)
    step = next((s for s in _STEPS if s * ticks >= top), -(-top // ticks))
    return {"rangemode": "tozero", "tickformat": ",d", "tick0": 0, "dtick": step, **extra}


def _trace(kind: str, **props) -> dict:
    """A trace as a plain dict; `marker_color`-style keys become nested (marker: {color})."""
    trace = {"type": kind}
    for key, value in props.items():
        head, _, tail = key.partition("_")
        if tail and head in ("marker", "line"):
            trace.setdefault(head, {})[tail] = value
        else:
            trace[key] = value
    return trace


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    """A figure without Plotly's per-property validation: the shapes here are fixed and tested,
    and validating a 196 × 12 heat map costs more than the page's queries (bench/RESULTS.md)."""
    return go.Figure({"data": traces, "layout": layout}, _validate=False)


def _empty_note(fig: go.Figure, rows) -> go.Figure:
    """A centred 暂无数据 when there is nothing to draw (the axes alone would puzzle readers)."""
    if not rows:
        fig.add_annotation(text="暂无数据", showarrow=False, xref="paper", yref="paper",
                           x=0.5, y=0.5, font={"size": 16, "color": "#888"})
    return fig


def _theme_label(code: str) -> str:
    return Theme(code).label


def _short(name: str, limit: int = 10) -> str:
    """A Home name short enough for an axis on a phone (the table shows the full name): without
    the common suffix 代表之家, cut with an ellipsis."""
    name = name.removesuffix("代表之家") or name
    return name if len(name) <= limit else name[: limit - 1] + "…"


def activities_by_theme_month(by_theme_month: dict, title: str = "各主题活动月度分布") -> go.Figure:
    """Stacked bars: verified activities per month, one colour per theme.

    `by_theme_month`: {theme code: [12 monthly counts]}."""
    traces = [_trace("bar", name=_theme_label(code), x=MONTH_LABELS, y=list(months),
                     marker_color=THEME_COLORS.get(code), hovertemplate="%{x} %{y} 项")
              for code, months in by_theme_month.items()]
    stacked = [sum(column) for column in zip(*by_theme_month.values(), strict=True)] or [0]
    return _figure(traces, _layout(title, barmode="stack",
                                     yaxis=count_axis(max(stacked), title={"text": "活动数"},
                                                      gridcolor="#eee"),
                                     xaxis={"tickangle": 0}))


def home_theme_comparison(rows: list[dict], *, stacked: bool = True,
                          title: str = "各代表之家活动对比") -> go.Figure:
    """Horizontal bars per Home, one segment (stacked) or bar (grouped) per theme.

    `rows`: [{"name": str, "themes": {theme code: n}}], shown top-down in the given order."""
    names = [_short(r["name"]) for r in rows][::-1]
    traces = []
    for theme in Theme:
        values = [r["themes"].get(theme.value, 0) for r in rows][::-1]
        traces.append(_trace("bar", name=theme.label, y=names, x=values, orientation="h",
                             marker_color=THEME_COLORS[theme.value],
                             hovertemplate="%{y}：%{x} 项"))
    height = max(260, 90 + 26 * len(rows) * (1 if stacked else 2))
    sums = [sum(r["themes"].values()) if stacked else max(r["themes"].values(), default=0)
            for r in rows]
    return _empty_note(_figure(traces, _layout(title, height=height,
                                     barmode="stack" if stacked else "group",
                                     margin={"l": 110, "r": 12, "t": 40, "b": 50},
                                     xaxis=count_axis(max(sums, default=0), gridcolor="#eee"),
                                     yaxis={"automargin": True})), rows)


def compliance_chart(rows: list[dict], title: str = "各代表之家联系达标率") -> go.Figure:
    """Sorted horizontal bars of each Home's compliance rate (in %), with a 100% reference line.

    `rows`: [{"name": str, "rate": float 0..1, "total"?: int}] in any order; lowest rate drawn at
    the top. A Home without representatives (total 0) has no rate and is left out of the chart."""
    rows = [r for r in rows if r.get("total", 1)]
    ordered = sorted(rows, key=lambda r: (r["rate"], r["name"]))[::-1]
    names = [_short(r["name"]) for r in ordered]
    values = [round(r["rate"] * 100, 1) for r in ordered]
    colors = ["#1e8449" if v >= 100 else "#2e86c1" if v >= 60 else "#c0392b" for v in values]
    fig = _empty_note(_figure(
        [_trace("bar", y=names, x=values, orientation="h", marker_color=colors,
                text=[f"{v:g}%" for v in values], textposition="auto",
                hovertemplate="%{y}：%{x}%", name="达标率")],
        _layout(title, height=max(260, 60 + 26 * len(rows)), showlegend=False,
                margin={"l": 110, "r": 12, "t": 40, "b": 40},
                xaxis={"title": {"text": "达标率（%）"}, "range": [0, 105], "gridcolor": "#eee"},
                yaxis={"automargin": True},
                shapes=[{"type": "line", "xref": "x", "yref": "paper", "x0": 100, "x1": 100,
                         "y0": 0, "y1": 1, "line": {"color": "#c0392b", "dash": "dash",
                                                    "width": 2}}],
                annotations=[{"xref": "x", "yref": "paper", "x": 100, "y": 1.0, "text": "100%",
                              "showarrow": False, "yanchor": "bottom",
                              "font": {"color": "#c0392b", "size": 11}}])), rows)
    return fig


def score_ranking(rows: list[dict], title: str = "年度考核得分排名") -> go.Figure:
    """Horizontal bars of assessment totals, highest at the top, coloured by grade.

    `rows`: [{"name": str, "total": float, "grade": grade code or None}]."""
    ordered = sorted(rows, key=lambda r: r["total"])
    return _empty_note(_figure(
        [_trace("bar", y=[_short(r["name"]) for r in ordered], x=[r["total"] for r in ordered],
                orientation="h", text=[f"{r['total']:.2f}" for r in ordered],
                textposition="auto", hovertemplate="%{y}：%{x} 分", name="总分",
                marker_color=[GRADE_COLORS.get(r.get("grade") or "", "#7f8c8d")
                              for r in ordered])],
        _layout(title, height=max(260, 60 + 26 * len(rows)), showlegend=False,
                margin={"l": 110, "r": 12, "t": 40, "b": 40},
                xaxis={"title": {"text": "总分"}, "range": [0, 100], "gridcolor": "#eee"},
                yaxis={"automargin": True, "showticklabels": bool(rows)})), rows)


def grade_distribution(grades: dict, title: str = "考核等次分布") -> go.Figure:
    """Bars of the number of Homes per grade (优秀/良好/合格/不合格). `grades`: {grade code: n}."""
    codes = [g.value for g in Grade]
    return _empty_note(_figure(
        [_trace("bar", x=[Grade(c).label for c in codes], y=[grades.get(c, 0) for c in codes],
                marker_color=[GRADE_COLORS[c] for c in codes], name="家数",
                text=[grades.get(c, 0) for c in codes], textposition="auto",
                hovertemplate="%{x}：%{y} 家")],
        _layout(title, height=280, showlegend=False,
                yaxis=count_axis(max(grades.values(), default=0), title={"text": "代表之家数"},
                                 gridcolor="#eee"))), sum(grades.values()))


def representative_heatmap(rows: list[dict], title: str = "代表月度活动热力图") -> go.Figure:
    """A representative × month heat map of activities. `rows`: [{"name", "months": [12]}]."""
    names = [_short(r["name"], 8) for r in rows][::-1]
    z = [list(r["months"]) for r in rows][::-1]
    return _empty_note(_figure(
        [_trace("heatmap", z=z, x=MONTH_LABELS, y=names, colorscale=BLUES, zmin=0,
                    hovertemplate="%{y} %{x}：%{z} 项<extra></extra>",
                    colorbar={"title": {"text": "项"}, "thickness": 10, "tickformat": ",d",
                              "tick0": 0,
                              "dtick": count_axis(max(map(max, z), default=0))["dtick"]})],
        _layout(title, height=max(240, 80 + 24 * len(rows)),
                margin={"l": 90, "r": 12, "t": 40, "b": 40},
                yaxis={"automargin": True}, xaxis={"side": "bottom"})), rows)


def contact_progress_ring(contacted: int, threshold: int,
                          title: str = "联系科技工作者进度") -> go.Figure:
    """A donut toward `threshold` distinct workers contacted, the count in the middle."""
    done = min(contacted, threshold)
    remaining = max(threshold - contacted, 0)
    reached = contacted >= threshold
    return _figure(
        [_trace("pie", values=[done, remaining] if threshold else [1, 0], labels=["已联系", "尚需联系"],
                hole=0.7, sort=False, direction="clockwise", textinfo="none",
                marker={"colors": ["#1e8449" if reached else "#2e86c1", "#e5e8e8"]},
                hovertemplate="%{label}：%{value} 人<extra></extra>")],
        _layout(title, height=260, showlegend=False,
                margin={"l": 10, "r": 10, "t": 40, "b": 10},
                annotations=[{"text": f"{contacted}/{threshold}", "showarrow": False,
                              "font": {"size": 26}, "x": 0.5, "y": 0.5,
                              "xref": "paper", "yref": "paper"}]))


def activities_against_target(by_theme: dict, target: int | None,
                              title: str = "本年活动与目标") -> go.Figure:
    """Bars of verified activities per theme against the yearly target (a dashed line); with
    `target` None the bars alone."""
    codes = [t.value for t in Theme]
    values = [by_theme.get(c, 0) for c in codes]
    if target is None:
        return _figure(
            [_trace("bar", x=[_theme_label(c) for c in codes], y=values, name="已审核活动",
                    marker_color=[THEME_COLORS[c] for c in codes], text=values,
                    textposition="auto", hovertemplate="%{x}：%{y} 项")],
            _layout(title, height=280, showlegend=False,
                    yaxis=count_axis(max(values) + 1, title={"text": "活动数"},
                                     range=[0, max(values) + 1], gridcolor="#eee")))
    return _figure(
        [_trace("bar", x=[_theme_label(c) for c in codes], y=values, name="已审核活动",
                marker_color=[THEME_COLORS[c] for c in codes], text=values,
                textposition="auto", hovertemplate="%{x}：%{y} 项")],
        _layout(title, height=280, showlegend=False,
                yaxis=count_axis(max([target, *values]) + 1, title={"text": "活动数"},
                                 range=[0, max([target, *values]) + 1], gridcolor="#eee"),
                shapes=[{"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1,
                         "y0": target, "y1": target,
                         "line": {"color": "#c0392b", "dash": "dash", "width": 2}}],
                annotations=[{"xref": "paper", "yref": "y", "x": 1, "y": target,
                              "xanchor": "right", "yanchor": "bottom", "showarrow": False,
                              "text": f"目标 {target} 项", "font": {"color": "#c0392b"}}]))


def to_dict(fig: go.Figure) -> dict:
    """{data, layout, config} ready for JSON (no templates: the page stays light)."""
    plain = fig.to_plotly_json()
    layout = dict(plain.get("layout", {}))
    layout.pop("template", None)
    return {"data": plain.get("data", []), "layout": layout, "config": CONFIG}


def to_json(fig: go.Figure) -> str:
    """The figure as the JSON static/js/charts.js reads from a `data-figure` attribute."""
    return json.dumps(to_dict(fig), cls=PlotlyJSONEncoder, ensure_ascii=False,
                      separators=(",", ":"))


#: Per-Home charts show this many lowest and as many highest Homes when there are more than twice
#: as many (600 Homes make no chart); the table beside the chart and the export list all of them.
CHART_EXTREMES = 20


def extremes(rows: list, key, n: int = CHART_EXTREMES) -> list:
    """The `n` rows with the lowest and the `n` with the highest `key(row)`, highest first; all
    rows (highest first) when there are no more than 2·n."""
    ordered = sorted(rows, key=key, reverse=True)
    return ordered if len(ordered) <= 2 * n else ordered[:n] + ordered[-n:]


def extremes_title(title: str, rows: list, n: int = CHART_EXTREMES) -> str:
    """The chart title, saying when only the extremes are drawn."""
    if len(rows) <= 2 * n:
        return title
    return f"{title}（最高与最低各{n}家，共{len(rows)}家见表格）"
