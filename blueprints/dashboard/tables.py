"""The tables beside the dashboard charts: the same rows on the page and in the Excel export."""
from dataclasses import dataclass, field

from models.enums import AppealStatus, AssessmentStatus, Grade, HomeStatus, Theme
from services.figures import MONTH_LABELS

THEME_HEADERS = [t.label for t in Theme]


@dataclass
class Table:
    key: str
    title: str
    headers: list
    rows: list = field(default_factory=list)
    footer: list | None = None
    pager: list = field(default_factory=list)  # [(page number, url, current)] when paginated


def percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def months_table(stats) -> Table:
    """Verified activities per month and theme, with totals."""
    table = Table("months", "各主题活动月度分布", ["月份", *THEME_HEADERS, "合计"])
    for i, label in enumerate(MONTH_LABELS):
        values = [stats.by_theme_month[t.value][i] for t in Theme]
        table.rows.append([label, *values, sum(values)])
    table.footer = ["合计", *[stats.by_theme[t.value] for t in Theme], stats.total]
    return table


def homes_table(rows) -> Table:
    table = Table("homes", "各代表之家活动对比", ["代表之家", *THEME_HEADERS, "合计"])
    table.rows = [[r["name"], *[r["themes"][t.value] for t in Theme], r["total"]] for r in rows]
    return table


def compliance_table(rows) -> Table:
    table = Table("compliance", "各代表之家联系达标率", ["代表之家", "达标代表", "在册代表", "达标率"])
    table.rows = [[r["name"], r["compliant"], r["total"], percent(r["rate"])] for r in rows]
    return table


def scores_table(ranking, year: int) -> Table:
    table = Table("scores", f"{year}年度考核得分排名", ["名次", "代表之家", "总分", "等次", "状态"])
    table.rows = [[i, r["name"], f"{r['total']:.2f}", Grade(r["grade"]).label if r["grade"] else "—",
                   AssessmentStatus(r["status"]).label] for i, r in enumerate(ranking, 1)]
    return table


def grades_table(grades, year: int) -> Table:
    table = Table("grades", f"{year}年度考核等次分布", ["等次", "代表之家数"])
    table.rows = [[g.label, grades.get(g.value, 0)] for g in Grade]
    return table


def appeals_table(appeals) -> Table:
    table = Table("appeals", "诉求建议办理情况（本年受理）", ["状态", "件数"])
    table.rows = [[s.label, appeals["counts"][s.value]] for s in AppealStatus]
    table.footer = ["办结率", percent(appeals["handling_rate"])]
    return table


def home_status_table(counts) -> Table:
    table = Table("home_status", "代表之家状态", ["状态", "家数"])
    table.rows = [[s.label, counts[s.value]] for s in HomeStatus]
    return table


def expiring_table(rows) -> Table:
    table = Table("expiring", "60天内到期的代表之家", ["代表之家", "到期日", "剩余天数"])
    table.rows = [[r["name"], r["expires_on"].isoformat(), r["days_left"]] for r in rows]
    return table


def representatives_table(contacts, threshold: int) -> Table:
    table = Table("representatives", f"代表联系科技工作者情况（达标线 {threshold} 人）",
                  ["代表", "联系科技工作者（人）", "是否达标"])
    table.rows = [[r.representative.name, r.contacted_count, "达标" if r.compliant else "未达标"]
                  for r in contacts]
    return table


def heatmap_table(rows) -> Table:
    table = Table("heatmap", "代表月度活动（组织的已审核活动）", ["代表", *MONTH_LABELS, "合计"])
    table.rows = [[r["name"], *r["months"], sum(r["months"])] for r in rows]
    return table


def own_table(stats, target: int) -> Table:
    table = Table("own", "本年活动与目标", ["主题", "已审核活动", "目标", "完成情况"])
    table.rows = [[t.label, stats.by_theme[t.value], target,
                   "已完成" if stats.by_theme[t.value] >= target else "未完成"] for t in Theme]
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
