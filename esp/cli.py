"""The `esp` command (SPEC §16). Exit codes: 0 success, 1 failure, 2 bad input."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_BAD_INPUT = 0, 1, 2

IMPORT_KINDS = ("classes", "roster", "activity", "meeting", "courses")
EXPORT_KINDS = ("activity", "tracker")
REPORT_NAMES = ("incompletions", "actions", "callcert", "attendance", "extensions", "outlook")
FORMATS = ("text", "json", "csv", "xlsx")
DEMO_LOGIN = ("manager@esp.example", "demo-manager")
# the commands that read the database: refused in one line when it was never initialised
READS_DATABASE = {"import", "export", "report", "send-reports", "worker", "backup", "rebuild"}
READS_DATABASE |= {"lists", "token", "outlook"}  # and `serve`, once its settings are checked


class BadInput(Exception):
    """Input the user can fix: printed on standard error, exit code 2."""


def _date(text: str) -> date:
    from esp.lib.csvio import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _add_import(commands) -> None:
    imp = commands.add_parser(
        "import",
        help="import classes, roster, activity or a meeting attendance report (all or nothing)",
    )
    imp.add_argument("kind", choices=IMPORT_KINDS)
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    imp.add_argument("--class", dest="class_code", help="meeting: the class (others ignore it)")
    imp.add_argument("--date", type=_date, help="meeting: the class day (others ignore it)")
    imp.add_argument("--program", help="courses: the program key (default: the only one)")
    imp.add_argument(
        "--absent-as",
        choices=("absent", "absent_approved", "ncns"),
        help="meeting: record the agents with no row as this (default: only list them)",
    )
    imp.add_argument(
        "--time-zone",
        default="",
        metavar="ZONE",
        help="meeting: the zone the report's times are in, e.g. America/New_York (default: "
        "the zone the report states, else the program's)",
    )
    imp.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="meeting: read FIELD (name, first_name, last_name, email, join_time, leave_time, "
        "duration) from COLUMN of any other CSV; repeat for each field (without it, a layout "
        "mapped in the browser reads with the program's remembered mapping)",
    )


def _add_export_and_report(commands) -> None:
    exp = commands.add_parser(
        "export", help="export the activity history, or the tracker .xlsx like the old sheet"
    )
    exp.add_argument("kind", choices=EXPORT_KINDS)
    exp.add_argument("file", type=Path)
    exp.add_argument("--class", dest="class_code")
    exp.add_argument("--as-of", type=_date, help="tracker: as of this day (default: today)")

    rep = commands.add_parser("report", help="print a report as of a date")
    rep.add_argument("name", choices=REPORT_NAMES)
    rep.add_argument("--as-of", type=_date, help="YYYY-MM-DD (default: today)")
    rep.add_argument("--class", dest="class_code")
    rep.add_argument("--program", help="program key (default: the class's or the only one)")
    rep.add_argument("--format", choices=FORMATS, default="text")
    rep.add_argument("--output", type=Path, help="write to this file instead of standard output")


def _add_outlook(commands) -> None:
    outlook = commands.add_parser("outlook", help="the outlook's accuracy, measured by replay")
    actions = outlook.add_subparsers(dest="outlook_command", required=True, metavar="ACTION")
    replay = actions.add_parser("backtest", help="replay each day with only its facts, score it")
    replay.add_argument("--from", dest="start", type=_date, help="first day (default: 30 days)")
    replay.add_argument("--to", dest="end", type=_date, help="last day (default: 10 days ago)")
    replay.add_argument("--program", help="program key (default: the only one)")
    replay.add_argument("--format", choices=("text", "json"), default="text")


def _add_sending(commands) -> None:
    send = commands.add_parser(
        "send-reports", help="send every scheduled report that is due and not yet sent"
    )
    send.add_argument("--as-of", type=_date, help="plan the reports due up to this day")

    worker = commands.add_parser("worker", help="send scheduled reports and notifications")
    worker.add_argument("--interval", type=float, default=30.0, help="seconds between rounds")
    worker.add_argument("--once", action="store_true", help="one round, then stop")


def _add_upkeep_and_accounts(commands) -> None:
    backup = commands.add_parser(
        "backup", help="copy the database and the proof files into one archive, while serving"
    )
    backup.add_argument("file", type=Path)
    backup.add_argument("--force", action="store_true", help="replace FILE if it exists")
    restore = commands.add_parser(
        "restore", help="restore a backup into an empty database and proof folder"
    )
    restore.add_argument("file", type=Path)
    restore.add_argument(
        "--force",
        action="store_true",
        help="replace a database that has rows (files already in the proof folder are kept)",
    )

    commands.add_parser(
        "check",
        help="check the settings for production (Django's check --deploy plus ESP's own); "
        "exit 1 on any warning",
    )

    lists = commands.add_parser("lists", help="distribution lists")
    lists_commands = lists.add_subparsers(dest="lists_command", required=True, metavar="ACTION")
    lists_commands.add_parser("show", help="print every list and its addresses")
    set_list = lists_commands.add_parser("set", help="replace a list's addresses")
    set_list.add_argument("list")
    set_list.add_argument("addresses", nargs="*", metavar="ADDRESS")

    rebuild = commands.add_parser(
        "rebuild", help="recompute the reports' read model from the facts (upgrade, restore)"
    )
    rebuild.add_argument("--as-of", type=_date, help="this day's reports (default: days built)")

    token = commands.add_parser(
        "token", help="print a new API token for an active account (its earlier token ends)"
    )
    token.add_argument("email")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="esp", description="ESP Tracker")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    init = commands.add_parser(
        "init", help="create or migrate the database, load the default program"
    )
    init.add_argument("--no-input", action="store_true", help="never prompt")

    demo = commands.add_parser("demo", help="init + a demo season dated relative to today + serve")
    demo.add_argument("--port", type=int, default=8000)

    serve = commands.add_parser("serve", help="serve the web app and API")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)

    _add_import(commands)
    _add_export_and_report(commands)
    _add_outlook(commands)
    _add_sending(commands)
    _add_upkeep_and_accounts(commands)
    return parser


def _setup(demo: bool = False, port: int | None = None) -> None:
    if demo and port and not os.environ.get("ESP_BASE_URL"):
        # the links in the demo's mail (self-report links, invitations) open the demo itself
        os.environ["ESP_BASE_URL"] = f"http://127.0.0.1:{port}"
    if demo and not os.environ.get("ESP_DATABASE_URL"):
        var = Path(os.environ.get("ESP_VAR_DIR", Path.cwd() / "var"))
        var.mkdir(parents=True, exist_ok=True)
        database = var / "demo.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
        os.environ["ESP_DATABASE_URL"] = f"sqlite:///{database}"
    if demo and not os.environ.get("ESP_SECRET_KEY"):
        # the demo's web server and worker share a key of their own (sessions end with it)
        import secrets

        os.environ["ESP_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "esp.settings")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    demo = args.command == "demo"
    _setup(demo=demo, port=args.port if demo else None)
    from esp.lib.csvio import ImportRejected
    from esp.lib.database import DatabaseProblem, check_initialised
    from esp.lib.outputs import BadOutputName, os_error_line

    try:
        if args.command in READS_DATABASE:
            check_initialised()
        return COMMANDS[args.command](args)
    except ImportRejected as exc:
        print(exc.message(), file=sys.stderr)
        return EXIT_BAD_INPUT
    except (BadInput, BadOutputName) as exc:
        print(f"esp: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except DatabaseProblem as exc:
        print(f"esp: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT if exc.bad_input else EXIT_FAILURE
    except OSError as exc:  # a file that cannot be written (or read): one line, not a traceback
        print(f"esp: {os_error_line(exc)}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return EXIT_FAILURE


# -- commands ----------------------------------------------------------------------------------


def cmd_init(args) -> int:
    from esp.programs.bootstrap import initialize

    program = initialize()
    print(f"Database ready; program {program.key} loaded.")
    if not args.no_input and sys.stdin.isatty():
        from esp.accounts.first_manager import ask_for_a_manager

        ask_for_a_manager()
    return EXIT_OK


def cmd_serve(args) -> int:
    from django.core.exceptions import ImproperlyConfigured

    from esp.lib.database import check_initialised
    from esp.lib.deploy import refuse_development_key
    from esp.lib.serving import serve

    try:
        refuse_development_key()
    except ImproperlyConfigured as exc:
        raise BadInput(str(exc)) from None
    check_initialised()
    serve(args.host, args.port)
    return EXIT_OK


def cmd_demo(args) -> int:
    import subprocess

    from django.conf import settings

    from esp.demo.load import demo_banner, load_demo
    from esp.lib.serving import serve

    summary = load_demo(login=DEMO_LOGIN)
    print(summary)
    smtp = settings.EMAIL_BACKEND.endswith("smtp.EmailBackend")
    mail = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}" if smtp else settings.EMAIL_FILE_PATH
    print()
    print(demo_banner(settings.ESP_BASE_URL, DEMO_LOGIN[1]))
    print(f"A worker sends the scheduled reports and notifications to {mail}\n", flush=True)
    worker = subprocess.Popen([sys.executable, "-m", "esp.cli", "worker"])
    try:
        serve("127.0.0.1", args.port)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    return EXIT_OK


def cmd_import(args) -> int:
    from esp.lib.bars import rows_bar
    from esp.progress.services.activity import import_activity
    from esp.roster.services import import_classes, import_roster

    if not args.file.exists():
        raise BadInput(f"{args.file}: no such file")
    if args.kind == "meeting":
        return cmd_import_meeting(args)
    if args.kind == "courses":
        return cmd_import_courses(args)
    importer = {"classes": import_classes, "roster": import_roster, "activity": import_activity}[
        args.kind
    ]
    with open(args.file, "rb") as stream:  # lines, counted without decoding the file
        total = max(
            0, sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b"")) - 1
        )
    bar = rows_bar(total, f"Importing {args.file.name}")
    with bar as progress:
        if progress is None:
            summary = importer(args.file, dry_run=args.dry_run)
        else:
            task = progress.add_task(f"Reading {args.file.name}", total=total)

            def advance(rows: int) -> None:
                progress.advance(task, rows)
                if progress.tasks[0].completed >= total:  # then the rows are saved at once
                    progress.update(task, description=f"Saving {args.file.name}")

            summary = importer(args.file, dry_run=args.dry_run, progress=advance)
    print(summary)
    return EXIT_OK


def cmd_import_courses(args) -> int:
    """R-B1: the program's TBT course list from `number,name` (all or nothing)."""
    from esp.programs.models import Program
    from esp.roster.selectors import program_for
    from esp.tbt.services import import_courses

    try:
        program = program_for(program_key=args.program)
    except Program.DoesNotExist:
        raise BadInput(f"no program '{args.program}'") from None
    print(import_courses(args.file, program=program, dry_run=args.dry_run))
    return EXIT_OK


def cmd_import_meeting(args) -> int:
    """R-A3: save the matched occurrences; print them, the proposed absences (saved only with
    --absent-as) and the unmatched rows."""
    from esp.attendance.command import meeting_import
    from esp.attendance.match import MeetingImportError

    if not args.class_code or not args.date:
        raise BadInput("import meeting needs --class CODE and --date D")
    try:
        lines = meeting_import(
            args.file,
            class_code=args.class_code,
            day=args.date,
            column_pairs=args.column,
            report_zone=args.time_zone,
            absent_as=args.absent_as,
            dry_run=args.dry_run,
        )
    except MeetingImportError as exc:
        raise BadInput(str(exc)) from None
    print("\n".join(lines))
    return EXIT_OK


def cmd_export(args) -> int:
    from esp.lib.outputs import check_output
    from esp.progress.services.activity import export_activity
    from esp.roster.selectors import class_exists, classes_with_program

    tracker = args.kind == "tracker"
    check_output(args.file, suffix=".xlsx" if tracker else None, what="the tracker")
    if args.class_code and not class_exists(args.class_code):
        raise BadInput(f"unknown class '{args.class_code}'")
    if tracker:
        from esp.lib import clock
        from esp.progress.tracker import tracker_workbook

        classes = classes_with_program(args.class_code)
        if not classes:
            raise BadInput("no class to export")
        as_of = args.as_of or clock.today(classes[0].program.time_zone)
        args.file.write_bytes(tracker_workbook(classes, as_of))
        print(
            f"Exported the tracker of {len(classes)} class(es) as of {as_of:%m/%d/%Y} to {args.file}"
        )
        return EXIT_OK
    count = export_activity(args.file, class_code=args.class_code)
    print(f"Exported {count} fact(s) to {args.file}")
    return EXIT_OK


def cmd_report(args) -> int:
    from esp.lib import clock
    from esp.lib.outputs import check_output
    from esp.programs.models import Program
    from esp.reports import render
    from esp.reports.builders import build_report
    from esp.roster.selectors import class_exists, program_for

    if args.format == "xlsx" and not args.output:
        raise BadInput("--format xlsx needs --output FILE")
    if args.output:
        xlsx = args.format == "xlsx"
        check_output(args.output, suffix=".xlsx" if xlsx else None, what="the .xlsx report")
    if args.class_code and not class_exists(args.class_code):
        raise BadInput(f"unknown class '{args.class_code}'")
    try:
        program = program_for(program_key=args.program, class_code=args.class_code)
    except Program.DoesNotExist:
        raise BadInput("no such program (run `esp init` first?)") from None
    as_of = args.as_of or clock.today(program.time_zone)
    if args.name == "outlook":  # forecasts, not a read-model report (issue 18)
        from esp.reports.outlook import outlook_json

        report = outlook_json(program, as_of, args.class_code)
    else:
        report = build_report(args.name, as_of=as_of, class_code=args.class_code, program=program)
    if args.format == "xlsx":
        render.to_xlsx(report, args.output)
        print(f"Wrote {args.output}")
        return EXIT_OK
    if args.format == "text":
        from esp.reports.builders import incompletion_details

        details = (
            incompletion_details(report, as_of=as_of, policy=program.policy())
            if "sections" in report
            else {}
        )
        text = render.to_text(report, details=details)
    else:
        text = {"json": render.to_json, "csv": render.to_csv}[args.format](report)
    if args.output:
        args.output.write_text(text, encoding="utf-8")
        print(f"Wrote {args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_outlook(args) -> int:
    """Issue 18 item 7: `esp outlook backtest [--from D1 --to D2]`."""
    from esp.lib import clock
    from esp.programs.models import Program
    from esp.reports.outlook import backtest_text, run_backtest
    from esp.reports.render import to_json
    from esp.roster.selectors import program_for

    try:
        program = program_for(program_key=args.program)
    except Program.DoesNotExist:
        raise BadInput("no such program (run `esp init` first?)") from None
    today = clock.today(program.time_zone)
    result = run_backtest(program, start=args.start, end=args.end, today=today)
    sys.stdout.write(to_json(result) if args.format == "json" else backtest_text(result))
    return EXIT_OK


def cmd_send_reports(args) -> int:
    from esp.lib import clock
    from esp.mailing.runs import send_reports

    now = clock.now()
    if args.as_of and args.as_of > now.date():
        raise BadInput(f"--as-of {args.as_of:%m/%d/%Y} is in the future")
    summary = send_reports(now=now, as_of=args.as_of)
    print(summary)
    return EXIT_OK if not summary.failed else EXIT_FAILURE


def cmd_worker(args) -> int:
    from esp.mailing.runs import run_worker

    run_worker(interval=args.interval, once=args.once)
    return EXIT_OK


def cmd_rebuild(args) -> int:
    """Issue 14: every report's lines per day recomputed by the rules from the facts."""
    from rich.console import Console
    from rich.progress import Progress

    from esp.lib import clock
    from esp.progress.services.projection import rebuild_day, rebuild_plan
    from esp.progress.services.settled import settle_all

    plan = rebuild_plan(as_of=args.as_of)
    with Progress(console=Console(stderr=True), transient=True) as progress:
        settling = progress.add_task("Who is transferred, gone or done", total=None)
        settle_all()
        progress.remove_task(settling)
        task = progress.add_task("Rebuilding the reports", total=len(plan))
        for program, day, report in plan:
            progress.update(task, description=f"{report} as of {day:%m/%d/%Y}")
            rebuild_day(program=program, as_of=day, report=report, now=clock.now())
            progress.advance(task)
    print(f"{len(plan)} report day{'s' if len(plan) != 1 else ''} rebuilt from the facts.")
    return EXIT_OK


def cmd_backup(args) -> int:
    """Issue 12 item 15: the database and the proof files in one archive (esp/lib/backups.py)."""
    from esp.lib.backups import backup

    return _backup_command(lambda reporter: backup(args.file, force=args.force, reporter=reporter))


def cmd_restore(args) -> int:
    """Issue 12 item 15: an archive of `esp backup` back into the database and proof folder."""
    from esp.lib.backups import restore

    return _backup_command(lambda reporter: restore(args.file, force=args.force, reporter=reporter))


def _backup_command(work) -> int:
    from esp.lib.backups import BackupError, ProgressReporter, Reporter

    try:
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            with Progress(console=Console(stderr=True), transient=True) as progress:
                summary = work(ProgressReporter(progress))
        else:
            summary = work(Reporter())
    except BackupError as exc:
        print(f"esp: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT if exc.bad_input else EXIT_FAILURE
    print(summary)
    return EXIT_OK


def cmd_check(args) -> int:
    """Django's `check --deploy` with ESP's own checks; any warning is a failure."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    import esp.lib.deploy  # noqa: F401 - registers the development-key check

    try:
        call_command("check", deploy=True, fail_level="WARNING")
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILURE
    return EXIT_OK


def cmd_lists(args) -> int:
    from esp.mailing.selectors import lists_show
    from esp.mailing.services.lists import ListError, list_set

    if args.lists_command == "set":
        try:
            addresses = list_set(args.list, args.addresses, actor_label="esp lists set")
        except ListError as exc:
            raise BadInput(str(exc)) from None
        print(f"{args.list}: {', '.join(addresses) or '(empty)'}")
        return EXIT_OK
    for key, addresses in lists_show().items():
        print(f"{key}: {', '.join(addresses) or '(empty)'}")
    return EXIT_OK


def cmd_token(args) -> int:
    """A new API token for the account (issue 12 item 8): it works ESP_API_TOKEN_DAYS days,
    until the password changes or the account is deactivated."""
    from esp.accounts.selectors import account_by_email
    from esp.accounts.services import token_issue
    from esp.api.authentication import token_days

    user = account_by_email(args.email)
    if user is None:
        raise BadInput(f"no account with the e-mail {args.email}")
    try:
        key = token_issue(user=user, actor_label="esp token")
    except ValueError as exc:
        raise BadInput(str(exc)) from None
    print(key)
    print(
        f"The API token of {user.email}, sent as 'Authorization: Token <token>': it works "
        f"{token_days()} days, until the password changes or the account is deactivated. "
        "An earlier token of this account no longer works.",
        file=sys.stderr,
    )
    return EXIT_OK


COMMANDS = {
    "init": cmd_init,
    "demo": cmd_demo,
    "serve": cmd_serve,
    "import": cmd_import,
    "export": cmd_export,
    "report": cmd_report,
    "outlook": cmd_outlook,
    "send-reports": cmd_send_reports,
    "worker": cmd_worker,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "rebuild": cmd_rebuild,
    "lists": cmd_lists,
    "token": cmd_token,
    "check": cmd_check,
}


if __name__ == "__main__":
    sys.exit(main())
