"""Entry point of apbench-charts (tools/apbench-charts runs it); the tool
itself is the package apbench_charts/ beside this file."""

import os
import sys

if __name__ == "__main__":
    # The folder of this file, where the package is, comes first: a package
    # wins over a module of the same name there.
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from apbench_charts.cli import entry  # pylint: disable=import-self
    entry()
