"""What every benchmark does first: point Django at the benchmark's own database."""

import os
import platform
from pathlib import Path


def configure(args) -> None:
    """Use `--database-url` if given, else SQLite under `--data-dir`; never the user's data."""
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
        os.environ["TANDEM_DATA_DIR"] = str(Path(args.data_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    os.environ.setdefault("TANDEM_ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def migrated_database() -> None:
    """Create the database if it is missing and bring it to the current schema."""
    from django.core.management import call_command

    from tandem.cli import ensure_database

    ensure_database()
    call_command("migrate", interactive=False, verbosity=0)


def machine() -> str:
    """The machine, the database and the load, printed with every result."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("select sqlite_version()")
            db = f"SQLite {cursor.fetchone()[0]}"
        else:
            cursor.execute("show server_version")
            db = f"PostgreSQL {cursor.fetchone()[0]}"
    mem_kb = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_kb = int(line.split()[1])
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{os.cpu_count()} CPUs, {mem_kb / 1024 / 1024:.0f} GiB RAM, Python "
        f"{platform.python_version()}, {db}, load average {load:.1f} at start"
    )
