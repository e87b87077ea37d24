"""`python -m cspr_tui` is the same as `cspr`."""

import sys

from cspr_tui.cli import main

sys.exit(main())
