"""The ESP outlook (issue 18) for the command line and the pages: one selector's reads handed
to the pure rules (esp.rules.outlook), kept per as-of day while nothing it reads changed."""

from __future__ import annotations

from datetime import date

from esp.access import scopes
from esp.lib import clock
from esp.programs.calendars import calendar_for
from esp.programs.models import Program
from esp.reports.render import us_date
from esp.rules.outlook import outlook_report
from esp.rules.outlook.backtest import backtest

from .selectors import outlook_day_built, outlook_inputs
from .services import outlook_for, pages_outlook


def outlook_json(program: Program, as_of: date, class_code: str | None = None) -> dict:
    """SPEC §15's outlook report; with a class, its agents and its line only (the
    certifiers stay the program's: they serve every class)."""
    report = outlook_report(outlook_for(program, as_of))
    if class_code:
        report["agents"] = [a for a in report["agents"] if a["class_code"] == class_code]
        report["classes"] = [c for c in report["classes"] if c["class_code"] == class_code]
    return report


def run_backtest(program: Program, *, start: date | None, end: date | None, today: date) -> dict:
    """Replay [start, end] (default: the 30 business days ending 10 before the last fact)
    with the facts up to today as the truth (esp.rules.outlook.backtest): outcomes after the
    last fact recorded are not known, so not scored."""
    calendar = calendar_for(program)
    records = outlook_inputs(program, today)["records"]
    last = max((f.date for r in records for f in r.facts), default=today)
    today = min(today, last)
    end = end or calendar.business_days_before(today, 10)
    start = start or calendar.business_days_before(end, 29)
    return backtest(
        records,
        policy=program.policy(),
        calendar=calendar,
        start=start,
        end=end,
        truth_day=today,
    )


def _figure(value, percent: bool = False) -> str:
    if value is None:
        return "-"
    return f"{100 * value:.1f}%" if percent else f"{value:.3f}"


def backtest_text(result: dict) -> str:
    """The backtest's figures as people read them."""
    lines = [
        f"Outlook backtest: {result['days_replayed']} business days replayed, "
        f"{us_date(result['from'])} to {us_date(result['to'])}, each with only the facts "
        "dated on or before it",
        "",
        "Training-environment extension (Brier score, lower is better):",
        "  days before ESP day 5  agents  extensions  outlook  base rate  calls open  skill",
    ]
    for row in result["extension"]:
        lines.append(
            f"  {row['days_before_esp_day_5']:>21}  {row['agents']:>6}  {row['extensions']:>10}"
            f"  {_figure(row['brier']):>7}  {_figure(row['brier_base_rate']):>9}"
            f"  {_figure(row['brier_calls_open']):>10}  {_figure(row['skill_over_base_rate']):>5}"
        )
    for key, title in (
        ("calibration_2_days_before", "two days before ESP day 5"),
        ("calibration_1_to_3_days_before", "1 to 3 days before ESP day 5, pooled"),
    ):
        lines += [
            "",
            f"Calibration {title}:",
            "  decile   agents  forecast  observed  within 10 points",
        ]
        for row in result.get(key, []):
            within = {True: "yes", False: "NO", None: "too few to say"}[row["within_10_points"]]
            lines.append(
                f"  {row['decile']:>7}  {row['count']:>6}  {_figure(row['forecast'], True):>8}"
                f"  {_figure(row['observed'], True):>8}  {within if row['count'] else ''}"
            )
    done = result["esp_complete"]
    lines += [
        "",
        f"ESP complete p50, agents on ESP day 2 or later ({done['forecasts']} forecasts, "
        f"{done['without_p50']} without a p50):",
        "  mean absolute error: "
        f"{_figure(done['p50_mean_absolute_error_business_days'])} business days",
        f"  within one business day: {_figure(done['p50_within_one_business_day'], True)}",
        f"  actual date inside p50-p90: {_figure(done['actual_inside_p50_p90'], True)}",
    ]
    return "\n".join(lines) + "\n"


def agent_page_context(user, agent, page) -> dict:
    """The agent page's outlook line (esp.progress.hooks; staff only): the chance of an
    extension, the ESP-complete p50/p90 dates and the one-line reason — from the program's
    outlook of the day, kept (esp.reports.services.pages_outlook)."""
    program = agent.training_class.program
    if scopes.sees_as_agent(user):
        return {}
    # a past day's forecast is shown when kept, not built for one agent's page
    kept = pages_outlook(program, page.as_of, build=page.as_of == clock.today(program.time_zone))
    line = kept.agents.get(agent.employee_id) if kept else None
    if not line:
        return {}
    # when it was computed: a call scored since is not in it yet (it is built again within
    # REFRESH of a change: decisions.md)
    built = outlook_day_built(program, page.as_of)
    return {"outlook_line": line, "outlook_built_at": built[1] if built else None}
