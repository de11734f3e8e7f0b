"""Send due reminders once, or every N seconds (`--every 60`) next to `manage.py db_worker`."""

import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from tandem.calendar_app.reminders import send_due_reminders, send_reminders_task


class Command(BaseCommand):
    help = "Send the reminders of tasks and events that are due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=int, default=0, help="Repeat every N seconds (0: once)."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the sweep to the background worker instead.",
        )

    def handle(self, *args, every=0, enqueue=False, **options):
        while True:
            if enqueue:
                send_reminders_task.enqueue()
                self.stdout.write("Sweep enqueued.")
            else:
                sent = send_due_reminders(timezone.now())
                self.stdout.write(f"{sent} reminder(s) sent.")
            if every <= 0:
                return
            time.sleep(every)
