"""The tables beside the dashboard charts: the same rows on the page and in the Excel export."""
from dataclasses import dataclass, field
from datetime import timedelta

from blueprints.display import cell_text, days_text, percent  # noqa: F401  (the tables' cells)
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
    pager: list = field(default_factory=list)  # [(page number or None for a gap, url, current)]
    heat: tuple | None = None
    # Per-Home tables: the Home of each row shown (a link to its dashboard), the rows matched
    # before paging and the page shown (Window).
    home_ids: list = field(default_factory=list)
    name_column: int = 0
    count: int = 0
    page: int = 1

    def heat_class(self, column: int, value) -> str:
        """The heat-map class of a cell ("" outside the shaded columns): 0 for none, then 1–4 by
        quarters of the largest value."""
        if not self.heat or not self.heat[0] <= column <= self.heat[1] or not isinstance(value, int):
            return ""
        top = self.heat[2]
        level = 0 if value <= 0 or top <= 0 else min(4, -(-4 * value // top))
        return f"heat-{level}"


@dataclass(frozen=True)
class Window:
    """Which rows of a per-Home table are built: those whose Home name contains `q`, then page
    `page` of `size` rows (clamped to the pages there are); every matched row when size is None
    (an export). Only the rows in the window become table rows."""
    page: int = 1
    size: int | None = None
    q: str = ""

    def fill(self, table: Table, items, *, name, home_id, row) -> Table:
        """Set the table's rows, home_ids, count and page from `items` (in table order):
        `name`, `home_id` and `row` read an item's Home name, Home id and table row."""
        matched = [it for it in items if self.q in name(it)] if self.q else list(items)
        table.count = len(matched)
        if self.size is None:
            table.page, chosen = 1, matched
        else:
            pages = max(1, -(-table.count // self.size))
            table.page = min(max(self.page, 1), pages)
            chosen = matched[(table.page - 1) * self.size:table.page * self.size]
        table.rows = [row(it) for it in chosen]
        table.home_ids = [home_id(it) for it in chosen]
        return table


EVERY_ROW = Window()


def months_table(stats) -> Table:
    """Verified activities per month and theme, with totals."""
    table = Table("months", "各主题活动月度分布", ["月份", *THEME_HEADERS, "合计"], sheet="月度分布")
    for i, label in enumerate(MONTH_LABELS):
        values = [stats.by_theme_month[t.value][i] for t in Theme]
        table.rows.append([label, *values, sum(values)])
    table.footer = ["合计", *[stats.by_theme[t.value] for t in Theme], stats.total]
    return table


def _name(r):
    return r["name"]


def _home_id(r):
    return r["home_id"]


def homes_table(rows, window: Window = EVERY_ROW) -> Table:
    """Verified activities per Home by theme (the rows of `window`)."""
    table = Table("homes", "各代表之家活动对比", ["代表之家", *THEME_HEADERS, "合计"], sheet="活动对比")
    return window.fill(table, rows, name=_name, home_id=_home_id, row=lambda r: [
        r["name"], *[r["themes"][t.value] for t in Theme], r["total"]])


def compliance_table(rows, window: Window = EVERY_ROW) -> Table:
    """Homes with representatives ranked by rate (lowest first); a Home with none has no rate
    (—), is listed last and left out of the ranking, and a note says why (the rows of
    `window`; the note counts every Home)."""
    table = Table("compliance", "各代表之家联系达标率", ["代表之家", "达标代表", "在册代表", "达标率"],
                  formats={3: "percent"}, sheet="联系达标率")
    ranked = [r for r in rows if r["total"]]
    empty = [r for r in rows if not r["total"]]
    window.fill(table, ranked + empty, name=_name, home_id=_home_id,
                row=lambda r: [r["name"], r["compliant"], r["total"], r["rate"]] if r["total"]
                else [r["name"], 0, 0, None])
    if empty:
        table.notes.append(("说明", f"{len(empty)} 个代表之家还没有在册代表，达标率无从计算，"
                                  "显示为“—”，不参加排名", None))
    return table


def scores_table(ranking, year: int, window: Window = EVERY_ROW) -> Table:
    """The assessment ranking (the rows of `window`, each keeping its place in the whole
    ranking)."""
    table = Table("scores", f"{year}年度考核得分排名", ["名次", "代表之家", "总分", "等次", "状态"],
                  formats={2: "score"}, year=year, sheet="考核得分排名", name_column=1)
    return window.fill(
        table, list(enumerate(ranking, 1)), name=lambda it: it[1]["name"],
        home_id=lambda it: it[1]["home_id"],
        row=lambda it: [it[0], it[1]["name"], float(it[1]["total"]),
                        Grade(it[1]["grade"]).label if it[1]["grade"] else "—",
                        AssessmentStatus(it[1]["status"]).label])


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
    table.notes.append(("办结用时中位数", appeals["median_days"], "days"))
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


#: The province dashboard's tables: key → (the province_overview parts it reads, its builder
#: from those parts and a Window — per-Home tables honour the window, the others hold every row).
PROVINCE_TABLES = {
    "months": (("activities",), lambda d, w: months_table(d["activities"])),
    "homes": (("by_home",), lambda d, w: homes_table(d["by_home"], w)),
    "compliance": (("compliance",), lambda d, w: compliance_table(d["compliance"], w)),
    "scores": (("assessments",), lambda d, w: scores_table(
        d["assessments"]["ranking"], d["assessments"]["year"], w)),
    "grades": (("assessments",), lambda d, w: grades_table(
        d["assessments"]["grades"], d["assessments"]["year"])),
    "appeals": (("appeals",), lambda d, w: appeals_table(d["appeals"])),
    "home_status": (("homes_by_status",), lambda d, w: home_status_table(d["homes_by_status"])),
    "expiring": (("expiring",), lambda d, w: expiring_table(d["expiring"])),
}
#: The province tables with a row per Home: paged (and filtered by name) on the page.
PER_HOME_TABLES = ("homes", "compliance", "scores")


def province_tables(data, windows: dict | None = None) -> dict:
    """Every province table from a whole overview; `windows` maps a per-Home table's key to the
    Window of rows to build (every row when absent)."""
    windows = windows or {}
    return {key: build(data, windows.get(key, EVERY_ROW))
            for key, (_parts, build) in PROVINCE_TABLES.items()}


#: A Home dashboard's tables: key → (the home_overview parts it reads, its builder from those
#: parts and the contact threshold).
HOME_TABLES = {
    "months": (("activities",), lambda d, n: months_table(d["activities"])),
    "heatmap": (("heatmap",), lambda d, n: heatmap_table(d["heatmap"])),
    "representatives": (("contacts",), lambda d, n: representatives_table(d["contacts"], n)),
    "scores": (("assessments",), lambda d, n: scores_table(
        d["assessments"]["ranking"], d["assessments"]["year"])),
    "appeals": (("appeals",), lambda d, n: appeals_table(d["appeals"])),
}


def home_tables(data, threshold: int) -> dict:
    return {key: build(data, threshold) for key, (_parts, build) in HOME_TABLES.items()}
