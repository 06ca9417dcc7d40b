"""The command line: apbench-charts RESULTS.json... --out DIR [--html FILE].

Reads every input first, so a bad file fails before anything is written.
matplotlib is imported only once the inputs are read: without it --html
still works (apbench writes the page, with every table), and
--page-charts says what is missing instead of failing.
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys

from .inputs import (
    COMPARE_SCHEMA, PROG, SCHEMA, InputError, Source, load_results)

MATPLOTLIB_HINT = ("install the Debian package python3-matplotlib "
                   "(scripts/setup.sh does) or pip install matplotlib")
HERE = os.path.dirname(os.path.abspath(__file__))


def parse_args(argv):
    """Command line; argparse exits 2 with its usage on bad arguments."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Write SVG charts and a Markdown page (charts.md) from "
                    "apbench results JSON (apbench --json FILE) and "
                    "comparisons (apbench compare --json FILE).")
    parser.add_argument("results", nargs="+", metavar="RESULTS.json",
                        help="apbench results files (schema "
                             f"{SCHEMA}) or comparisons (apbench compare "
                             f"--json, {COMPARE_SCHEMA}); each file's runs "
                             "are charted with its own machine caption; - "
                             "reads one from standard input")
    parser.add_argument("--out", metavar="DIR",
                        help="folder for the SVG files and charts.md "
                             "(created if missing)")
    parser.add_argument("--html", metavar="FILE",
                        help="write one self-contained HTML page: context, "
                             "every table, diagnoses, advice, summary and "
                             "the charts inline (apbench report writes it; "
                             "without matplotlib, the page without charts)")
    parser.add_argument("--title-prefix", default="", metavar="TEXT",
                        help="text put before every chart title, e.g. a "
                             "machine name")
    parser.add_argument("--name", metavar="NAME",
                        help="the name captions give results read from "
                             "standard input (default: none)")
    parser.add_argument("--page-charts", metavar="FILE",
                        help=argparse.SUPPRESS)  # for apbench's HTML page
    parser.add_argument("--png", action="store_true",
                        help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true",
                        help="no \"wrote ...\" lines")
    args = parser.parse_args(argv)
    if not args.out and not args.html and not args.page_charts:
        parser.error("give --out DIR (SVG charts), --html FILE (a page), "
                     "or both")
    if args.html and "-" in args.results:
        parser.error("--html reads results files, not standard input: "
                     "save them first (apbench --json FILE)")
    return args


def load_matplotlib():
    """Import matplotlib; None when it worked, else why it did not."""
    try:
        import matplotlib  # pylint: disable=import-outside-toplevel
        matplotlib.use("Agg")
        from matplotlib.figure import Figure  # noqa: F401 pylint: disable=import-outside-toplevel,unused-import
    except ImportError as err:
        return str(err) or "matplotlib cannot be imported"
    return None


def find_apbench():
    """The apbench that writes the page: $APBENCH; the install's bin/
    beside share/apbench/; PATH; a build of this source tree."""
    if os.environ.get("APBENCH"):
        return os.environ["APBENCH"]
    installed = os.path.join(HERE, "..", "..", "..", "bin", "apbench")
    if os.access(installed, os.X_OK):
        return installed
    on_path = shutil.which("apbench")
    if on_path:
        return on_path
    built = [p for p in glob.glob(os.path.join(HERE, "..", "..", "build",
                                               "*", "apbench"))
             if os.access(p, os.X_OK)]
    return max(built, key=os.path.getmtime) if built else None


def write_page(args, sources):
    """--html: apbench report writes the page from the same files (its
    tables are apbench's own cells); this tool draws its charts. A
    comparison has no page: its chart is drawn with --out."""
    results = [s.path for s in sources if not s.is_compare]
    if not results:
        print(f"{PROG}: --html: the page shows results files; "
              f"{sources[0].path} is a comparison (apbench.compare/1): "
              "chart it with --out DIR", file=sys.stderr)
        return 2
    apbench = find_apbench()
    if apbench is None:
        print(f"{PROG}: --html: the page is written by apbench, which was "
              "not found (set APBENCH to its path, or put it in PATH); or "
              "run: apbench report RESULTS.json --html FILE",
              file=sys.stderr)
        return 2
    command = [apbench, "report", *results, "--html", args.html, "-q"]
    status = subprocess.run(command, check=False).returncode
    if status == 0 and args.html != "-" and not args.quiet:
        print(f"{PROG}: wrote {args.html}")
    return status


def main(argv=None):
    """Read every input first: a bad file fails before anything is written."""
    args = parse_args(sys.argv[1:] if argv is None else argv)
    sources = []
    try:
        for number, path in enumerate(args.results):
            sources.append(Source(path, load_results(path),
                                  args.name if path == "-" else None,
                                  number))
    except InputError as err:
        print(f"{PROG}: {err}", file=sys.stderr)
        return 2
    if args.html:
        status = write_page(args, sources)
        if status != 0 or not (args.out or args.page_charts):
            return status
    missing = load_matplotlib()
    if missing and args.page_charts:
        # apbench writes the page with every table and says what is missing.
        # pylint: disable=import-outside-toplevel
        from .page import write_page_charts
        return write_page_charts(args.page_charts, [], missing)
    if missing:
        print(f"{PROG}: no matplotlib ({missing}): {MATPLOTLIB_HINT}",
              file=sys.stderr)
        return 2
    # pylint: disable=import-outside-toplevel
    from .output import make_charts, write_charts
    from .style import configure_matplotlib
    configure_matplotlib()
    charts = make_charts(sources, args.title_prefix)
    if args.page_charts:
        from .page import write_page_charts
        status = write_page_charts(args.page_charts, charts, None)
        if status != 0:
            return status
    if args.out:
        return write_charts(charts, sources, args)
    return 0


def entry():
    """main() as a program: its status, and quiet at a closed pipe."""
    try:
        sys.exit(main())
    except BrokenPipeError:
        # The reader is gone (apbench killed while the charts were drawn):
        # nothing to say, nobody to say it to.
        os._exit(1)  # pylint: disable=protected-access
