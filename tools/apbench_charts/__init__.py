"""apbench-charts: SVG charts from apbench results JSON.

Usage: apbench-charts RESULTS.json [MORE.json...] [--out DIR] [--html FILE]
                      [--title-prefix T]

The results JSON (schema ``apbench.results/1``, docs/results-schema.md) is the
stable interface of apbench, and a comparison (``apbench compare --json``,
``apbench.compare/1``, docs/compare-schema.md) is drawn as a forest plot; the
tool reads nothing else. Run it through the ``tools/apbench-charts``
launcher, which finds a Python that can import matplotlib. docs/charts.md
describes each chart.

Output is deterministic (fixed SVG hash salt, no date in the metadata, text
kept as text), so regenerated charts diff cleanly in a repository and their
titles and legends can be searched.

Modules: inputs (reading and grouping), text (titles and captions), style
(colours and figure scaffolding), one module per chart kind (bars, spectrum,
stages, curves, scaling, parameter, regime_map, forkjoin, compare), output
(every chart, SVG files and charts.md), page (the charts of apbench's HTML
page) and cli.
"""
