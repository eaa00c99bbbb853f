"""``python -m tests.fakegithub``: see ``cli``."""

import sys

from .cli import main

sys.exit(main())
