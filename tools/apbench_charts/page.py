"""The charts of apbench's HTML page: apbench writes the page's tables and
text itself (the console's cells) and inlines these; each says what it
shows, so apbench puts it under the right table."""

import json
import re
import sys

from .inputs import PROG, obj


_ID = re.compile(r'id="([^"]+)"')


def inline_svg(text, prefix):
    """An SVG file's text made fit to sit in a page: no XML prolog, scaled
    by CSS, and ids made unique to the chart (two charts of the same
    geometry would otherwise share clip-path ids)."""
    start = text.find("<svg")
    svg = text[start:] if start >= 0 else text
    # The RDF metadata names its vocabularies by URL; a page shows none.
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    head_end = svg.find(">")
    # HTML gives an inline <svg> its namespaces (xlink:href included), so
    # the xmlns attributes, URLs too, go; CSS sizes the chart.
    head = re.sub(r'\s(width|height|xmlns(:\w+)?)="[^"]*"', "",
                  svg[:head_end])
    svg = head + ' role="img"' + svg[head_end:]
    ids = set(_ID.findall(svg))
    if ids:
        svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
        svg = re.sub(r'url\(#([^)]+)\)',
                     lambda m: f"url(#{prefix}-{m.group(1)})"
                     if m.group(1) in ids else m.group(0), svg)
        svg = re.sub(r'href="#([^"]+)"',
                     lambda m: f'href="#{prefix}-{m.group(1)}"'
                     if m.group(1) in ids else m.group(0), svg)
    return svg


def shown_runs(item):
    """The file positions of the runs a chart's item shows: apbench puts the
    chart under the table or sweep that holds them."""
    if hasattr(item, "run_indices"):  # a group of runs
        return list(item.run_indices)
    runs = []
    for series in getattr(item, "series", []):  # a series group
        for point in series.get("points") or []:
            index = obj(point).get("run_index")
            if isinstance(index, int) and not isinstance(index, bool):
                runs.append(index)
    return runs


def page_charts(charts, missing=None):
    """The charts for apbench's HTML page, as one JSON document: each
    chart's SVG ready to inline, its caption, and what it shows (its file,
    and its runs or its map), so apbench places it; apbench writes the
    page's tables and text itself."""
    entries = []
    for number, chart in enumerate(charts, start=1):
        item = chart.item
        entries.append({
            "source": item.source.number,
            "runs": [] if hasattr(item, "map") else shown_runs(item),
            "map": item.index if hasattr(item, "map") else None,
            "file": chart.filename,
            "caption": chart.caption,
            "svg": inline_svg(chart.svg, f"c{number}"),
        })
    return json.dumps({"missing": missing, "charts": entries})


def write_page_charts(path, charts, missing):
    """--page-charts FILE (- for standard output); the exit status."""
    text = page_charts(charts, missing)
    try:
        if path == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            with open(path, "w", encoding="utf-8") as stream:
                stream.write(text)
    except OSError as err:
        print(f"{PROG}: {err.filename or path}: {err.strerror or err}",
              file=sys.stderr)
        return 1
    return 0
