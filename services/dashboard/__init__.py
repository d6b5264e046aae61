"""Dashboard figures for a scope (the province, a city, a unit kind, a Home or a representative)
— the public surface of services/dashboard/.

territory.py defines the Scope; activities.py and figures.py compute the aggregates in SQL (a
fixed number of statements per page, summary tables where the scope allows); overviews.py gathers
what each dashboard page shows; charts.py turns figures into Plotly figure dicts.
"""
from services.dashboard.activities import (
    activities_by_month,
    activities_by_theme,
    activity_stats,
    home_theme_counts,
    linked_levels,
    participants_reached,
    representative_month_counts,
    verified_activities,
)
from services.dashboard.charts import (
    MONTH_LABELS,
    activities_against_target,
    activities_by_theme_month,
    compliance_chart,
    contact_progress_ring,
    count_axis,
    extremes,
    extremes_title,
    grade_distribution,
    home_theme_comparison,
    representative_heatmap,
    score_ranking,
    to_json,
)
from services.dashboard.figures import (
    appeals_by_status,
    appeals_open,
    assessments,
    below_threshold,
    compliance_by_home,
    compliance_homes,
    compliance_rate,
    contacts_per_representative,
    expiring_homes,
    homes_by_status,
    latest_assessment_year,
    latest_assessments,
    need_figures,
)
from services.dashboard.overviews import (
    active_representatives,
    home_overview,
    kpis,
    province_overview,
    representative_overview,
)
from services.dashboard.territory import (
    MONTHS,
    OPEN_APPEALS,
    Scope,
)

__all__ = [
    "MONTHS",
    "MONTH_LABELS",
    "OPEN_APPEALS",
    "Scope",
    "active_representatives",
    "activities_against_target",
    "activities_by_month",
    "activities_by_theme",
    "activities_by_theme_month",
    "activity_stats",
    "appeals_by_status",
    "appeals_open",
    "assessments",
    "below_threshold",
    "compliance_by_home",
    "compliance_chart",
    "compliance_homes",
    "compliance_rate",
    "contact_progress_ring",
    "count_axis",
    "contacts_per_representative",
    "expiring_homes",
    "extremes",
    "need_figures",
    "extremes_title",
    "grade_distribution",
    "home_overview",
    "home_theme_comparison",
    "home_theme_counts",
    "homes_by_status",
    "kpis",
    "latest_assessment_year",
    "latest_assessments",
    "linked_levels",
    "participants_reached",
    "province_overview",
    "representative_heatmap",
    "representative_month_counts",
    "representative_overview",
    "score_ranking",
    "to_json",
    "verified_activities",
]
