"""RESULTS.md: one section per database and scale (SQLite, PostgreSQL), each replaced by its own
run, and per database a comparison of scale 1 with the largest other scale measured (the runs'
figures are kept as JSON in bench/results/ for it)."""
import json
import re
from pathlib import Path

HEADER = """# RepHome benchmark results

Written by `python bench/run.py` (see bench/README.md). Each database has its own section; a run
replaces only its own. Medians of several runs after a warm-up; a floor is the same aggregates as
hand-written SQL on one raw DB-API connection (no ORM, framework or rendering).
"""


def _ms(s):
    return f"{s * 1000:,.1f} ms" if s is not None else "—"


def _lat(run):
    return "—" if run.get("p95_ms") is None else f"{run['p95_ms']:,.0f} ms"


def _mark(ok):
    return "—" if ok is None else ("✅" if ok else "❌")


def _met(row) -> str:
    checks = row.get("checks")
    if not checks:
        return _mark(row["ok"])
    return " · ".join(f"{name} {_mark(ok)}" for name, ok in checks.items())


def section(*, db, scale, runs, machine, generation, pages, rows, web, scale2, bench_rss_mb,
            started, limits, finished=None) -> str:
    lines = [f"## {'SQLite' if db == 'sqlite' else 'PostgreSQL'} · scale {scale:g}", ""]
    lines.append(f"- Date: {started.strftime('%Y-%m-%d %H:%M')} UTC; {runs} runs per scenario "
                 "(median), 1 warm-up.")
    lines.append(f"- Machine: {machine['cores']} cores ({machine['cpu']}), "
                 f"{machine['memory_gb']} GB memory; Python {machine['python']}; "
                 f"SQLite {machine['sqlite']}; PostgreSQL {machine['postgresql'] or '—'}.")
    lines.append(f"- Code measured: {machine.get('code') or '?'}.")
    gen_rows = generation["rows"]
    lines.append(f"- Data (`flask seed-bench --scale {scale:g}`): {sum(gen_rows.values()):,} rows "
                 f"generated in {generation['total_s']:.1f} s (build {generation['build_s']:.1f} s,"
                 f" write {generation['write_s']:.1f} s, summary tables "
                 f"{generation.get('summaries_s', 0):.1f} s, ANALYZE {generation['analyze_s']:.1f} s): "
                 + ", ".join(f"{t} {n:,}" for t, n in gen_rows.items()) + ".")
    extra_rows = generation.get("extras_rows")
    if extra_rows:
        lines.append(f"- Audit, survey, needs and sign-in tables, a step of their own (bench/extras.py): "
                     f"{sum(extra_rows.values()):,} rows in {generation['extras_s']:.1f} s (audit "
                     "entries sealed into a valid hash chain): "
                     + ", ".join(f"{t} {n:,}" for t, n in extra_rows.items()) + ".")
    lines.append(f"- The largest Home (id {pages['home_id']}) has {pages['home_reps']} "
                 "representatives; Home pages and compliance are measured on it.")
    lines += ["", "| scenario | median | floor | ratio | target | met |",
              "|---|---:|---:|---:|---|:-:|"]
    for r in rows:
        ratio = r["median"] / r["floor"] if r.get("floor") else None
        lines.append(f"| {r['label']} | {_ms(r['median'])} | {_ms(r.get('floor'))} | "
                     f"{f'×{ratio:.2f}' if ratio else '—'} | {r['target']} | {_met(r)} |")
    if web:
        share = web["ratio"]
        floor_rps = web["post_floor"]["rps"]
        writers = web.get("threads", 4)
        lines.append(f"| POST /api/v1/activities throughput, audit chain sealed at each commit "
                     f"({writers} concurrent writers; gunicorn 2 gthread workers × "
                     f"{web.get('web_threads', 4)} threads, keep-alive) | "
                     f"{web['post']['rps']:,.0f} req/s, p95 {_lat(web['post'])} | "
                     f"{floor_rps:,.0f} req/s, p95 {_lat(web['post_floor'])} "
                     f"(`/bench/post-floor`: the same rows, summary rows and sealed audit entry "
                     f"in plain SQL) | "
                     f"{share:.0%} | ≥ {limits['share']:.0%} of the write floor | "
                     f"{_mark(share >= limits['share'])} |")
        if web.get("post_floor_unchained"):
            bare = web["post_floor_unchained"]
            lines.append(f"| (context) the write floor without sealing its audit entry "
                         f"(`/bench/post-floor?chain=0`, one round after the others) | "
                         f"{bare['rps']:,.0f} req/s, p95 {_lat(bare)} | — | the floor with the "
                         f"chain = {floor_rps / bare['rps']:.0%} of it | — | — |"
                         if bare["rps"] else "| (context) write floor without sealing | 0 | — | — "
                         "| — | — |")
        if web.get("signin"):
            signin, signin_floor = web["signin"], web["signin_floor"]
            lines.append(f"| Sign-in at the door, POST /s/{{code}} ({writers} concurrent writers, "
                         f"one open sign-in each) | {signin['rps']:,.0f} req/s, p95 "
                         f"{_lat(signin)} | {signin_floor['rps']:,.0f} req/s, p95 "
                         f"{_lat(signin_floor)} (`/bench/signin-floor`: the locked count and the "
                         f"attendee in plain SQL) | {web['signin_ratio']:.0%} | reported | — |")
        lines.append(f"| (context) `/bench/ping`, a trivial GET | {web['ping']['rps']:,.0f} req/s "
                     f"| — | POST = {web['post']['rps'] / web['ping']['rps']:.0%} of it | — | — |")
        lines.append(f"| Peak RSS of a web worker (VmHWM, {web['workers']} workers) | "
                     f"{web['rss_mb']:.0f} MB | — | — | < {limits['rss_mb']} MB | "
                     f"{_mark(web['rss_mb'] < limits['rss_mb'])} |")
    else:
        lines.append("| POST /api/v1/activities throughput | not run (--no-load) | | | | — |")
    lines += ["", "### SQL statements per request", "",
              f"| request | scale {scale:g} | scale {scale * 2:g} | equal |", "|---|---:|---:|:-:|"]
    labels = {r["key"]: r["label"] for r in rows}
    for key, n in pages["statements"].items():
        m = scale2["statements"].get(key) if scale2 else None
        lines.append(f"| {labels.get(key, key)} | {n} | {m if m is not None else '—'} | "
                     f"{_mark(None if m is None else n == m)} |")
    if web:
        lines += ["", f"Load: {web['post']['requests']:,} POSTs ({web['post']['statuses']}) and "
                      f"{web['ping']['requests']:,} pings ({web['ping']['statuses']}) from a "
                      "separate process on 127.0.0.1 (Python threads, one keep-alive connection "
                      "each), on the same 2 cores as the server. Pages through gunicorn: "
                      f"{web['pages']['statuses']}."]
    if pages.get("auth_ping") is not None:
        lines.append(f"API rows (“floor + auth-ping”): the floor's SQL plus one authenticated "
                     f"trivial request (`/bench/auth-ping`, the bearer-token check every API call "
                     f"makes), {pages['auth_ping'] * 1000:.1f} ms median here.")
    if pages.get("sql"):
        lines.append("Time in the database per request (median): " + "; ".join(
            f"{labels.get(k, k)} {v * 1000:.1f} ms" for k, v in pages["sql"].items()) + ".")
    sweep = next((r for r in rows if r["key"] == "compliance_sweep"), None)
    if sweep and sweep.get("counts"):
        lines.append(f"Compliance sweep counts: {sweep['counts']}.")
    lines.append(f"The bench process itself (generator and in-process pages) peaked at "
                 f"{bench_rss_mb:.0f} MB.")
    if finished is not None:
        lines.append(f"The whole run took {(finished - started).total_seconds() / 60:.1f} min.")
    return "\n".join(lines) + "\n"


def _marker(db: str, scale: float) -> str:
    return db if scale == 1 else f"{db}:scale{scale:g}"


def _replace(text: str, name: str, body: str) -> str:
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body}{end}"
    if start in text:
        return re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _m: block, text,
                      flags=re.S)
    # a new block goes before the hand-written findings
    head, sep, tail = text.partition("\n## Findings")
    return head.rstrip() + "\n\n" + block + "\n" + (sep + tail if sep else "")


def _save_json(path: Path, db: str, scale: float, kwargs: dict) -> Path:
    folder = path.parent / "results"
    folder.mkdir(exist_ok=True)
    out = folder / f"{db}-scale{scale:g}.json"
    web = kwargs.get("web")
    data = {
        "db": db, "scale": scale, "started": kwargs["started"].isoformat(),
        "code": kwargs["machine"].get("code"), "generation": kwargs["generation"],
        "rows": [{k: r.get(k) for k in ("key", "label", "median", "floor", "ok", "sql")}
                 for r in kwargs["rows"]],
        "statements": kwargs["pages"]["statements"], "sql": kwargs["pages"].get("sql", {}),
        "statements_2x": (kwargs.get("scale2") or {}).get("statements"),
        "post_rps": web["post"]["rps"] if web else None,
        "post_floor_rps": web["post_floor"]["rps"] if web else None,
        "post_p95_ms": web["post"].get("p95_ms") if web else None,
        "post_floor_p95_ms": web["post_floor"].get("p95_ms") if web else None,
        "post_floor_unchained_rps": (web.get("post_floor_unchained") or {}).get("rps")
        if web else None,
        "signin_rps": web["signin"]["rps"] if web and web.get("signin") else None,
        "signin_floor_rps": web["signin_floor"]["rps"] if web and web.get("signin") else None,
        "signin_p95_ms": web["signin"].get("p95_ms") if web and web.get("signin") else None,
    }
    out.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str))
    return out


#: rows whose scale-N target is their own ratio (the rest: under 1 s)
RATIO_KEYS = ("keyset_depth", "assessment_batch", "assessment_drafts_job", "compliance_sweep")


def comparison(folder: Path, db: str) -> str | None:
    """Scale 1 next to the largest other scale of the same database: medians, their ratio,
    statements, and the SQL time of the province page and dashboard API (target ≤ 3×)."""
    runs = {}
    for f in folder.glob(f"{db}-scale*.json"):
        data = json.loads(f.read_text())
        runs[float(data["scale"])] = data
    if 1.0 not in runs or len(runs) < 2:
        return None
    big = max(runs)
    one, other = runs[1.0], runs[big]
    lines = [f"## {'SQLite' if db == 'sqlite' else 'PostgreSQL'} · scale 1 and scale {big:g} "
             "side by side", "",
             f"Scale 1 measured {one['started'][:16]} UTC at {one['code']}; scale {big:g} "
             f"{other['started'][:16]} UTC at {other['code']}. Seed-bench: scale 1 "
             f"{one['generation']['total_s']:.0f} s, scale {big:g} "
             f"{other['generation']['total_s']:.0f} s (target at scale 10: < 180 s).", "",
             f"| request | scale 1 | scale {big:g} | × scale {big:g} / scale 1 | statements "
             f"(scale 1 · 2 · {big:g}) | target at scale {big:g} (pages, API, exports: < 1 s; "
             "jobs: ≤ 2 × floor; after=: last ≤ 2 × first) |", "|---|---:|---:|---:|---|:-:|"]
    by_key = {r["key"]: r for r in other["rows"]}
    for r1 in one["rows"]:
        r2 = by_key.get(r1["key"])
        if r2 is None:
            continue
        n1 = one["statements"].get(r1["key"])
        n2 = (one.get("statements_2x") or {}).get(r1["key"])
        n10 = other["statements"].get(r1["key"])
        counts = " · ".join("—" if n is None else str(n) for n in (n1, n2, n10))
        ratio = r2["median"] / r1["median"] if r1["median"] else None
        met = r2["ok"] if r1["key"] in RATIO_KEYS else r2["median"] < 1.0
        lines.append(f"| {r2['label']} | {_ms(r1['median'])} | {_ms(r2['median'])} | "
                     f"{f'×{ratio:.2f}' if ratio else '—'} | {counts} | {_mark(met)} |")
    for key, s1 in one.get("sql", {}).items():
        s10 = other.get("sql", {}).get(key)
        if s10 is not None and s1:
            lines.append(f"| SQL time of {key} | {_ms(s1)} | {_ms(s10)} | ×{s10 / s1:.2f} | — | "
                         f"{_mark(s10 <= 3 * s1)} (≤ 3×) |")
    if one.get("post_rps") and other.get("post_rps"):
        lines.append(f"| POST /api/v1/activities (req/s; share of the write floor) | "
                     f"{one['post_rps']:,.0f} ({one['post_rps'] / one['post_floor_rps']:.0%}) | "
                     f"{other['post_rps']:,.0f} ({other['post_rps'] / other['post_floor_rps']:.0%})"
                     f" | ×{other['post_rps'] / one['post_rps']:.2f} | — | "
                     f"{_mark(other['post_rps'] >= 0.5 * other['post_floor_rps'])} |")
    return "\n".join(lines) + "\n"


def write_results(path: Path, *, db: str, **kwargs) -> None:
    body = section(db=db, **kwargs)
    text = path.read_text() if path.exists() else HEADER
    text = _replace(text, _marker(db, kwargs["scale"]), body)
    saved = _save_json(path, db, kwargs["scale"], kwargs)
    compared = comparison(saved.parent, db)
    if compared:
        text = _replace(text, f"{db}:compare", compared)
    path.write_text(text)
