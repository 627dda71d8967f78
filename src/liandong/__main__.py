"""``python -m liandong``: the same as the ``liandong`` console script (and ``python -m liandong.cli``)."""

import sys

from liandong.cli import main

if __name__ == "__main__":  # a server's spawned workers import this module again as __mp_main__
    sys.exit(main())
