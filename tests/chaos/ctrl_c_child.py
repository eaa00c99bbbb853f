"""``manage.py seed_real_projects`` with a real Ctrl-C (SIGINT to itself) delivered the moment
the Nth batch (``$SIGINT_AT_BATCH``) has reached the log file, before the writer has counted it:
the worst moment for an interrupt. Run by ``test_ctrl_c.py`` as
``python -m tests.chaos.ctrl_c_child ARGS`` from the repository root."""

import os
import signal
import sys

from eventlog.writer import LogWriter

AT = int(os.environ["SIGINT_AT_BATCH"])
written = 0
original_write = LogWriter._write


def write_then_interrupt(self, data: bytes) -> None:
    global written
    original_write(self, data)
    written += 1
    if written == AT:
        os.kill(os.getpid(), signal.SIGINT)


LogWriter._write = write_then_interrupt

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "apps.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", "seed_real_projects", *sys.argv[1:]])
