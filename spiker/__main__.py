"""``python -m spiker``: the command line (see :mod:`spiker.cli`)."""

import sys

from spiker.cli import main

sys.exit(main())
