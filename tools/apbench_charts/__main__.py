"""python3 tools/apbench_charts (the folder) runs the command line."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from apbench_charts.cli import entry  # noqa: E402 pylint: disable=wrong-import-position

entry()
