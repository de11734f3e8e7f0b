#!/usr/bin/env python
"""Django's management entry point; the `tandem` command (tandem/cli.py) is the friendly one."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tandem.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
