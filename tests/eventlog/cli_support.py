"""Helpers of the ``eventlog`` CLI tests (test_cli*.py): running the CLI in this process, and
the installed script."""

from __future__ import annotations

import sys
from pathlib import Path

from eventlog.cli import app, main

EVENTLOG = Path(sys.executable).with_name("eventlog")
COMMANDS = [command.callback.__name__ for command in app.registered_commands]


def run(capsys, *argv, cache=None) -> tuple[int, str, str]:
    args = [*argv, "--cache-dir", str(cache)] if cache is not None else list(argv)
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err
