"""The `tandem` command: serve, worker, migrate, demo, createadmin, token.

Every sub-command reads the same settings as the web server, so TANDEM_DATA_DIR and
DATABASE_URL choose the database for all of them. Errors are one line on stderr and a
non-zero exit status; nothing is half-written.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time

EXIT_USAGE = 2


class CommandError(Exception):
    """A problem the person typing the command can fix; printed without a traceback."""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    import django

    django.setup()


def _database_label() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"SQLite {db['NAME']}"
    return f"PostgreSQL {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}/{db['NAME']}"


def ensure_database() -> None:
    """Create the PostgreSQL database named in DATABASE_URL if the server does not have it yet."""
    from django.db import connection
    from django.db.utils import OperationalError

    if connection.vendor != "postgresql":
        return
    try:
        connection.ensure_connection()
        return
    except OperationalError as exc:
        if "does not exist" not in str(exc):
            raise CommandError(f"Cannot connect to {_database_label()}: {exc}") from exc
    name = connection.settings_dict["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    print(f"Created database {name}.")


def require_migrated() -> None:
    """Refuse to run against a database that `tandem migrate` has not brought up to date."""
    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor
    from django.db.utils import OperationalError

    try:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as exc:
        raise CommandError(f"Cannot open {_database_label()}: {exc}") from exc
    if pending:
        raise CommandError(
            f"The database ({_database_label()}) is not up to date: run `tandem migrate` first."
        )


# --- serve and worker -------------------------------------------------------------------


class _Worker:
    """The background worker as a child process, restarted if it dies while we serve."""

    def __init__(self):
        self.process: subprocess.Popen | None = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._watch, name="tandem-worker-watch", daemon=True)

    def start(self) -> None:
        self._spawn()
        self.thread.start()

    def _spawn(self) -> None:
        # Its own session, so a Ctrl-C in the terminal reaches only us: we then stop it with a
        # single SIGTERM, which lets it finish the task it is running (a second signal would not).
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tandem.cli", "worker"], start_new_session=True
        )

    def _watch(self) -> None:
        delay = 1.0
        while not self.stopping.is_set():
            code = self.process.poll()
            if code is not None and not self.stopping.is_set():
                print(
                    f"tandem: the worker exited ({code}); restarting in {delay:.0f}s",
                    file=sys.stderr,
                )
                if self.stopping.wait(delay):
                    return
                delay = min(delay * 2, 60)
                self._spawn()
            self.stopping.wait(0.5)

    def stop(self, timeout: float = 20) -> None:
        self.stopping.set()
        proc = self.process
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


def cmd_serve(args) -> int:
    _setup_django()
    require_migrated()
    from waitress import create_server

    from tandem.wsgi import application

    server = create_server(application, host=args.host, port=args.port, threads=args.threads)
    worker = None if args.no_worker else _Worker()
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    try:
        if worker:
            worker.start()
        print(
            f"Tandem is running at http://{args.host}:{args.port}/ "
            f"({_database_label()}{', with its worker' if worker else ''}). Ctrl-C stops it.",
            flush=True,
        )
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping Tandem...", flush=True)
        server.close()
        if worker:
            worker.stop()
    return 0


SWEEP_SECONDS = 60


def _start_sweeps() -> None:
    """Once a minute: send due reminders, retry failed emails, email scheduled reports and
    take forecast snapshots at a period's start. Each claims its rows atomically, so several
    workers never act twice and a restart loses nothing; one failing never stops the others."""

    def loop():
        from django.db import close_old_connections

        from tandem.calendar_app.reminders import send_due_reminders
        from tandem.forecasts.snapshots import snapshot_due
        from tandem.messaging.delivery import retry_due
        from tandem.reports.schedules import send_due_schedules

        while True:
            for sweep in (send_due_reminders, retry_due, send_due_schedules, snapshot_due):
                try:
                    sweep()
                except Exception as exc:  # noqa: BLE001 - keep sweeping; the next minute may succeed
                    print(f"tandem: {sweep.__name__} failed: {exc!r}", file=sys.stderr, flush=True)
                finally:
                    close_old_connections()
            time.sleep(SWEEP_SECONDS)

    threading.Thread(target=loop, name="tandem-sweeps", daemon=True).start()


def cmd_worker(args) -> int:
    _setup_django()
    require_migrated()
    from django.core.management import call_command

    _start_sweeps()

    options = {}
    if args.queue_name:
        options["queue_name"] = args.queue_name
    call_command("db_worker", **options)
    return 0


# --- database ---------------------------------------------------------------------------


def cmd_migrate(args) -> int:
    _setup_django()
    ensure_database()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    print(f"Database is up to date ({_database_label()}).")
    return 0


def cmd_demo(args) -> int:
    _setup_django()
    require_migrated()
    from tandem.access.models import User
    from tandem.demo import load_demo, print_logins

    if args.first_run and User.objects.exists():
        print("Existing data kept (the demo loads only into an empty database).")
        print_logins(only_existing=True)
        return 0
    from tandem.demo.company import LOGINS

    if User.objects.filter(email=LOGINS[0].email).exists():
        raise CommandError("The demo company is already loaded in this database.")
    if not args.first_run and User.objects.exists() and not args.force:
        raise CommandError(
            "This database already has users. Load the demo into an empty database "
            "(set TANDEM_DATA_DIR or DATABASE_URL), or add --force to add it anyway."
        )
    started = time.monotonic()
    load_demo(args.size, progress=not args.quiet)
    print(
        f"Loaded the {args.size} demo in {time.monotonic() - started:.1f}s ({_database_label()})."
    )
    print_logins()
    return 0


# --- users and tokens -------------------------------------------------------------------


def _find_user(email: str):
    from tandem.access.models import User

    user = User.objects.select_related("profile").filter(email__iexact=email.strip()).first()
    if user is None:
        raise CommandError(f"No user has the email {email!r}.")
    return user


def cmd_createadmin(args) -> int:
    _setup_django()
    require_migrated()
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email
    from django.db import transaction

    from tandem.access.models import Profile, User

    email = args.email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise CommandError(f"{args.email!r} is not a valid email address.") from None
    if User.objects.filter(email__iexact=email).exists():
        raise CommandError(f"A user with the email {email} already exists.")
    profile = Profile.objects.filter(name="System Administrator").first()
    if profile is None:
        raise CommandError("The System Administrator profile is missing: run `tandem migrate`.")
    last_name = args.last_name or email.split("@")[0].replace(".", " ").title()
    candidate = User(email=email, first_name=args.first_name, last_name=last_name, profile=profile)
    try:
        validate_password(args.password, user=candidate)
    except ValidationError as exc:
        raise CommandError("Password rejected: " + " ".join(exc.messages)) from None
    with transaction.atomic():
        User.objects.create_user(
            email,
            password=args.password,
            first_name=args.first_name,
            last_name=last_name,
            profile=profile,
        )
    print(f"Created administrator {email} (profile System Administrator).")
    return 0


def cmd_token(args) -> int:
    _setup_django()
    require_migrated()
    user = _find_user(args.email)
    if not user.is_active:
        raise CommandError(
            f"The user {user.email} is inactive; activate them before issuing a token."
        )
    try:
        from tandem.api.tokens import issue_token
    except ImportError as exc:
        raise CommandError(f"API tokens are not available in this build ({exc}).") from None
    token = issue_token(user, name=args.name)
    print(f"New API token for {user.email} (send it as 'Authorization: Bearer <token>'):")
    print(token)
    return 0


def cmd_manage(args) -> int:
    """Any Django management command, for the few jobs the friendly commands do not cover."""
    _setup_django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tandem manage", *args.rest])
    return 0


# --- entry point ------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tandem",
        description="Tandem CRM. The database comes from DATABASE_URL, or SQLite under "
        "TANDEM_DATA_DIR (default ./var).",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("serve", help="serve the web app and run the background worker")
    p.add_argument("--host", default=os.environ.get("TANDEM_HOST", "127.0.0.1"))
    p.add_argument("--port", type=int, default=int(os.environ.get("PORT") or 8000))
    p.add_argument("--threads", type=int, default=8, help="request threads (default 8)")
    p.add_argument("--no-worker", action="store_true", help="do not start the background worker")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run the background worker (tasks) in the foreground")
    p.add_argument("--queue-name", default="", help="only this queue")
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("migrate", help="create or upgrade the database")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("demo", help="load the demo company (Acme Robotics)")
    p.add_argument("--size", choices=["small", "large"], default="small")
    p.add_argument(
        "--first-run", action="store_true", help="load only if the database has no users yet"
    )
    p.add_argument("--force", action="store_true", help="load even if users already exist")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("createadmin", help="create a System Administrator")
    p.add_argument("--email", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--first-name", default="")
    p.add_argument("--last-name", default="")
    p.set_defaults(func=cmd_createadmin)

    p = sub.add_parser("token", help="issue a new API token for a user (printed last)")
    p.add_argument("--email", required=True)
    p.add_argument("--name", default="cli", help="a label for the token (default: cli)")
    p.set_defaults(func=cmd_token)

    p = sub.add_parser("manage", help="run a Django management command", add_help=False)
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=cmd_manage)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except CommandError as exc:
        print(f"tandem {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        from django.db.utils import OperationalError

        if isinstance(exc, OperationalError):
            print(f"tandem {args.command}: error: cannot use the database: {exc}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
