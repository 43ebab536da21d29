"""Reads a `grpc-convo bench --save` record with HdrHistogram's own Python library (PyPI
`hdrhistogram`) and checks that its latency histogram holds what grpc-convo reported: as many
samples as answers, and the same p99.

    hdr.py RECORD REPORT_JSON
"""

import json
import sys

from hdrh.histogram import HdrHistogram


def main(record_path, report_path):
    with open(record_path) as f:
        record = json.load(f)
    with open(report_path) as f:
        report = json.load(f)
    histogram = HdrHistogram.decode(record["latency"])
    count = histogram.get_total_count()
    p99_ns = histogram.get_value_at_percentile(99.0)
    reported_ns = round(report["latency_us"]["p99"] * 1000)
    print(f"count {count}, answers {record['answers']}; p99 {p99_ns} ns, reported {reported_ns} ns")
    # Both libraries report a bucket's highest equivalent value, to 3 significant figures.
    if count != record["answers"] or not histogram.values_are_equivalent(p99_ns, reported_ns):
        sys.exit(1)


if __name__ == "__main__":
    main(*sys.argv[1:])
