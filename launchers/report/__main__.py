"""``python -m launchers.report``: see :mod:`launchers.report.cli`."""
import sys

from launchers.report.cli import main

if __name__ == '__main__':
    sys.exit(main())
