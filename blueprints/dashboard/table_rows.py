"""The tables beside the dashboard charts: the same rows on the page and in the Excel export."""
from dataclasses import dataclass, field
from datetime import timedelta

from models.enums import AppealStatus, AssessmentStatus, Grade, HomeStatus, Theme
from services.dashboard import MONTH_LABELS

THEME_HEADERS = [t.label for t in Theme]


@dataclass
class Table:
    """A table as data: cells keep their type (int, float, date, None); `formats` names the kind of
    a column ("percent" 0..1, "score" two decimals, "date") so the page prints it and the Excel file
    stores a number with a number format. `notes` are (label, value, format) lines shown with the
    table but outside its columns (a rate is not a count); `year` is the year the data is of.
    `heat` = (first column, last column, largest value) shades those columns' cells as a heat map
    (classes heat-0 … heat-4, darker for more), with the numbers still printed."""
    key: str
    title: str
    headers: list
    rows: list = field(default_factory=list)
    footer: list | None = None
    formats: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    year: int | None = None
    sheet: str = ""
    pager: list = field(default_factory=list)  # [(page number, url, current)] when paginated
    heat: tuple | None = None

    def heat_class(self, column: int, value) -> str:
        """The heat-map class of a cell ("" outside the shaded columns): 0 for none, then 1–4 by
        quarters of the largest value."""
        if not self.heat or not self.heat[0] <= column <= self.heat[1] or not isinstance(value, int):
            return ""
        top = self.heat[2]
        level = 0 if value <= 0 or top <= 0 else min(4, -(-4 * value // top))
        return f"heat-{level}"


def percent(rate: float | None) -> str:
    """A rate as a percentage; — when there is none (nothing to divide by)."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def days(value) -> str:
    """A number of days (a median may end in .5); — when there is none."""
    if value is None:
        return "—"
    return f"{value:g} 天"


def cell_text(value, fmt: str | None = None) -> str:
    """A cell as the page shows it (None → —)."""
    if value is None:
        return "—"
    if fmt == "percent":
        return percent(value)
    if fmt == "score":
        return f"{value:.2f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def months_table(stats) -> Table:
    """Verified activities per month and theme, with totals."""
    table = Table("months", "各主题活动月度分布", ["月份", *THEME_HEADERS, "合计"], sheet="月度分布")
    for i, label in enumerate(MONTH_LABELS):
        values = [stats.by_theme_month[t.value][i] for t in Theme]
        table.rows.append([label, *values, sum(values)])
    table.footer = ["合计", *[stats.by_theme[t.value] for t in Theme], stats.total]
    return table


def homes_table(rows) -> Table:
    table = Table("homes", "各代表之家活动对比", ["代表之家", *THEME_HEADERS, "合计"], sheet="活动对比")
    table.rows = [[r["name"], *[r["themes"][t.value] for t in Theme], r["total"]] for r in rows]
    return table


def compliance_table(rows) -> Table:
    """Homes with representatives ranked by rate (lowest first); a Home with none has no rate
    (—), is listed last and left out of the ranking, and a note says why."""
    table = Table("compliance", "各代表之家联系达标率", ["代表之家", "达标代表", "在册代表", "达标率"],
                  formats={3: "percent"}, sheet="联系达标率")
    ranked = [r for r in rows if r["total"]]
    empty = [r for r in rows if not r["total"]]
    table.rows = ([[r["name"], r["compliant"], r["total"], r["rate"]] for r in ranked]
                  + [[r["name"], 0, 0, None] for r in empty])
    if empty:
        table.notes.append(("说明", f"{len(empty)} 个代表之家还没有在册代表，达标率无从计算，"
                                  "显示为“—”，不参加排名", None))
    return table


def scores_table(ranking, year: int) -> Table:
    table = Table("scores", f"{year}年度考核得分排名", ["名次", "代表之家", "总分", "等次", "状态"],
                  formats={2: "score"}, year=year, sheet="考核得分排名")
    table.rows = [[i, r["name"], float(r["total"]), Grade(r["grade"]).label if r["grade"] else "—",
                   AssessmentStatus(r["status"]).label] for i, r in enumerate(ranking, 1)]
    return table


def grades_table(grades, year: int) -> Table:
    table = Table("grades", f"{year}年度考核等次分布", ["等次", "代表之家数"], year=year,
                  sheet="考核等次分布")
    table.rows = [[g.label, grades.get(g.value, 0)] for g in Grade]
    return table


def appeals_table(appeals) -> Table:
    table = Table("appeals", "诉求建议办理情况（本年受理）", ["状态", "件数"], sheet="诉求建议办理")
    table.rows = [[s.label, appeals["counts"][s.value]] for s in AppealStatus]
    received = sum(appeals["counts"].values())
    table.footer = ["合计", received]
    table.notes.append(("办结率", appeals["handling_rate"] if received else None, "percent"))
    table.notes.append(("办结用时中位数（天）", appeals["median_days"], None))
    return table


def home_status_table(counts) -> Table:
    table = Table("home_status", "代表之家状态", ["状态", "家数"], sheet="代表之家状态")
    table.rows = [[s.label, counts[s.value]] for s in HomeStatus]
    return table


def expiring_table(rows) -> Table:
    table = Table("expiring", "60天内到期的代表之家", ["代表之家", "有效期至", "剩余天数"],
                  formats={1: "date"}, sheet="即将到期")
    table.rows = [[r["name"], r["expires_on"] - timedelta(days=1), r["days_left"]] for r in rows]
    return table


def representatives_table(contacts, threshold: int) -> Table:
    table = Table("representatives", f"代表联系科技工作者情况（达标线 {threshold} 人）",
                  ["代表", "联系科技工作者（人）", "是否达标"], sheet="代表联系情况")
    table.rows = [[r.representative.name, r.contacted_count, "达标" if r.compliant else "未达标"]
                  for r in contacts]
    return table


def heatmap_table(rows) -> Table:
    table = Table("heatmap", "代表月度活动（组织的已审核活动）", ["代表", *MONTH_LABELS, "合计"],
                  sheet="代表月度活动")
    table.rows = [[r["name"], *r["months"], sum(r["months"])] for r in rows]
    table.heat = (1, len(MONTH_LABELS), max((m for r in rows for m in r["months"]), default=0))
    table.notes.append(("颜色", "越深表示当月组织的已审核活动越多", None))
    return table


def own_table(stats, home_stats, target: int) -> Table:
    """A representative's verified activities by theme beside their Home's, and the Home's yearly
    target per theme (the assessment's, met by the Home's activities together, not one person's)."""
    table = Table("own", "本年活动：我参与的与本代表之家的",
                  ["主题", "我参与的", "本代表之家合计", "本代表之家年度活动目标"], sheet="本年活动")
    home = home_stats.by_theme if home_stats is not None else {}
    table.rows = []
    for t in Theme:
        done = home.get(t.value, 0)
        state = "已达到" if done >= target else f"还差 {target - done} 项"
        table.rows.append([t.label, stats.by_theme[t.value], done, f"{target} 项（{state}）"])
    return table


def province_tables(data) -> dict:
    return {t.key: t for t in (
        months_table(data["activities"]), homes_table(data["by_home"]),
        compliance_table(data["compliance"]),
        scores_table(data["assessments"]["ranking"], data["assessments"]["year"]),
        grades_table(data["assessments"]["grades"], data["assessments"]["year"]),
        appeals_table(data["appeals"]),
        home_status_table(data["homes_by_status"]), expiring_table(data["expiring"]))}


def home_tables(data, threshold: int) -> dict:
    return {t.key: t for t in (
        months_table(data["activities"]), heatmap_table(data["heatmap"]),
        representatives_table(data["contacts"], threshold),
        scores_table(data["assessments"]["ranking"], data["assessments"]["year"]),
        appeals_table(data["appeals"]))}
