"""RESULTS.md: one section per database (SQLite, PostgreSQL), each replaced by its own run."""
import re
from pathlib import Path

HEADER = """# RepHome benchmark results

Written by `python bench/run.py` (see bench/README.md). Each database has its own section; a run
replaces only its own. Medians of several runs after a warm-up; a floor is the same aggregates as
hand-written SQL on one raw DB-API connection (no ORM, framework or rendering).
"""


def _ms(s):
    return f"{s * 1000:,.1f} ms" if s is not None else "—"


def _mark(ok):
    return "—" if ok is None else ("✅" if ok else "❌")


def _met(row) -> str:
    checks = row.get("checks")
    if not checks:
        return _mark(row["ok"])
    return " · ".join(f"{name} {_mark(ok)}" for name, ok in checks.items())


def section(*, db, scale, runs, machine, generation, pages, rows, web, scale2, bench_rss_mb,
            started, limits) -> str:
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
                 f" write {generation['write_s']:.1f} s, ANALYZE {generation['analyze_s']:.1f} s): "
                 + ", ".join(f"{t} {n:,}" for t, n in gen_rows.items()) + ".")
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
        lines.append(f"| POST /api/v1/activities throughput (gunicorn 2 gthread workers × "
                     f"{web.get('web_threads', 4)} threads, keep-alive) | "
                     f"{web['post']['rps']:,.0f} req/s | {web['ping']['rps']:,.0f} req/s "
                     f"(/bench/ping) | {share:.0%} | ≥ {limits['share']:.0%} of trivial | "
                     f"{_mark(share >= limits['share'])} |")
        if web.get("post_floor"):
            floor_rps = web["post_floor"]["rps"]
            lines.append(f"| (context) the same rows written in plain SQL, `/bench/post-floor` | "
                         f"{floor_rps:,.0f} req/s | {web['ping']['rps']:,.0f} req/s | "
                         f"{floor_rps / web['ping']['rps']:.0%} | — | — |")
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
    sweep = next((r for r in rows if r["key"] == "compliance_sweep"), None)
    if sweep and sweep.get("counts"):
        lines.append(f"Compliance sweep counts: {sweep['counts']}.")
    lines.append(f"The bench process itself (generator and in-process pages) peaked at "
                 f"{bench_rss_mb:.0f} MB.")
    return "\n".join(lines) + "\n"


def write_results(path: Path, *, db: str, **kwargs) -> None:
    body = section(db=db, **kwargs)
    start, end = f"<!-- bench:{db} -->", f"<!-- /bench:{db} -->"
    block = f"{start}\n{body}{end}"
    text = path.read_text() if path.exists() else HEADER
    if start in text:
        text = re.sub(re.escape(start) + r".*?" + re.escape(end), lambda _m: block, text,
                      flags=re.S)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)
