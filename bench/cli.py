"""`flask seed-bench`: the benchmark registers its own command (cli/ only calls `register`)."""
import click
from flask.cli import with_appcontext

from bench.extras import AUDITOR_USERNAME, CITY_ADMIN_USERNAME
from bench.generate import generate
from bench.province import ADMIN_USERNAME, BENCH_PASSWORD, SEED


@click.command("seed-bench")
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="1 = 60 Homes, 6,000 representatives, 120,000 activities a year …")
@click.option("--years", type=int, default=1, show_default=True,
              help="Years of activities, contacts and appeals (the current one and earlier).")
@click.option("--force", is_flag=True, help="Wipe a non-empty database first.")
@click.option("--seed", type=int, default=SEED, show_default=True)
@with_appcontext
def seed_bench_command(scale, years, force, seed):
    """Generate the benchmark province (deterministic, bulk inserts)."""
    try:
        stats = generate(scale, years, force=force, seed=seed)
    except (RuntimeError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    total = sum(stats["rows"].values())
    click.echo(f"已生成基准数据：scale={scale}, years={years}, {total:,} 行，"
               f"用时 {stats['total_s']:.1f} 秒（生成 {stats['build_s']:.1f}，写入 "
               f"{stats['write_s']:.1f}，汇总表 {stats['summaries_s']:.1f}，"
               f"ANALYZE {stats['analyze_s']:.1f}）")
    for table, n in stats["rows"].items():
        click.echo(f"  {table:<24} {n:>9,}")
    extra = stats.get("extras_rows") or {}
    click.echo(f"新增表（审计日志、调查、需求、签到）：{sum(extra.values()):,} 行，单独用时 "
               f"{stats.get('extras_s', 0):.1f} 秒")
    for table, n in extra.items():
        click.echo(f"  {table:<24} {n:>9,}")
    click.echo(f"登录：{ADMIN_USERNAME} / bench_mgr_0001 / bench_rep_000001 / {CITY_ADMIN_USERNAME} / "
               f"{AUDITOR_USERNAME}，密码 {BENCH_PASSWORD}")


def register(app) -> None:
    """Attach `flask seed-bench` to the app's command line."""
    app.cli.add_command(seed_bench_command)
