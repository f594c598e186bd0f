"""``python -m spiker.bench``: the same as ``spiker bench``."""

import sys

from spiker.bench import main

sys.exit(main())
