"""What every benchmark does first: point Django at the benchmark's own database."""

import os
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
