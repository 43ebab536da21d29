#!/usr/bin/env python3
"""scripts/ab.sh's lines (`SIDE figure=value`) as a Markdown table: each figure's median on
each side, their ratio, and a mark on those more than 5% worse on the new side.

    scripts/ab.sh OLD NEW | scripts/ab-summary.py OLD_NAME [NEW_NAME]
"""
import collections
import statistics
import sys

old_name = sys.argv[1]
new_name = sys.argv[2] if len(sys.argv) > 2 else "this tree"
figures = collections.defaultdict(lambda: collections.defaultdict(list))
for line in sys.stdin:
    side, figure = line.split()
    name, value = figure.split("=")
    if value:
        figures[name][side].append(float(value))
# Which way is better, by the unit in the name.
higher_better = {"load_answers_per_s"}
print(f"| figure | {old_name} | {new_name} | ratio | |")
print("|---|---|---|---|---|")
for name, sides in figures.items():
    old, new = statistics.median(sides["old"]), statistics.median(sides["new"])
    ratio = new / old
    worse = ratio < 0.95 if name in higher_better else ratio > 1.05
    mark = "more than 5% worse" if worse else ""
    print(f"| {name} | {old:g} | {new:g} | {ratio:.2f} | {mark} |")
