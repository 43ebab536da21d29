"""Debian's Prometheus scraping serve, a bridged serve and web while real clients work them.

    prometheus.py BIN LOADCLIENT

Starts `serve` (echo) and a bridged serve (a shell loop that answers each line after 60 ms),
each with --metrics-listen, `web` in front of the first, and a Prometheus server scraping all
three every second. Then:

- bench runs 20 one-question conversations against the bridged serve; Prometheus's
  histogram_quantile(0.99) of grpc_server_handling_seconds must lie within one bucket of
  bench's own p99;
- grpc-go's load client holds 100 conversations of 20 questions on one connection; Prometheus's
  sum(grpc_server_handled_total) by code must equal, exactly, every conversation it held (all
  OK, every other code 0), and the messages each way every question and answer;
- ask holds 5 bridged conversations of 3 questions; the bridged serve's counts and its
  processes' exit statuses must equal them and bench's, exactly;
- a request with a rebinding Host is refused by web, and web's counter says so.

`promtool check metrics` must pass on every exposition. Every wait ends on what it waits for,
or fails after a generous limit.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request

LIMIT = 60
# The bridged process answers each line after 60 ms of work: a backend slow enough that the
# server's clock (from a call's headers to its status) and bench's (from a question to its
# answer) both measure mostly that, and land in the same bucket (50 to 100 ms).
SLOW_ECHO = 'while read q; do sleep 0.06; echo "$q"; done'
BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
           1, 2.5, 5, 10, 30, 60, 300, 900, 3600]

procs = []


def fail(reason):
    print(f"FAIL: {reason}", file=sys.stderr)
    sys.exit(1)


def start(args, ready, log):
    """Starts a process; returns the first stderr line starting with each of `ready`."""
    proc = subprocess.Popen(args, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    procs.append(proc)
    found = {}
    while len(found) < len(ready):
        line = proc.stderr.readline()
        if not line:
            fail(f"{args[0]} ended before saying {ready}")
        log.write(line)
        for prefix in ready:
            if line.startswith(prefix):
                found[prefix] = line[len(prefix):].strip()
    # Keep reading, so that the process never blocks on a full pipe.
    threading.Thread(target=lambda: log.writelines(proc.stderr), daemon=True).start()
    return [found[prefix] for prefix in ready]


def free_port():
    # Prometheus cannot report a port it picked itself: take one the system just gave out.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def promtool(url):
    text = urllib.request.urlopen(url, timeout=10).read()
    checked = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True)
    if checked.returncode != 0:
        fail(f"promtool check metrics on {url}: {checked.stdout.decode()} {checked.stderr.decode()}")


def query(api, expr):
    url = f"{api}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    reply = json.load(urllib.request.urlopen(url, timeout=10))
    if reply["status"] != "success":
        fail(f"{expr}: {reply}")
    return {json.dumps(r["metric"], sort_keys=True): float(r["value"][1]) for r in reply["data"]["result"]}


def wait_for(api, expr, want):
    """Queries until `expr` gives exactly `want` (a dict of label sets to values)."""
    deadline = time.time() + LIMIT
    while True:
        try:
            got = query(api, expr)
        except OSError as err:  # Prometheus not listening yet
            got = err
        if got == want:
            return
        if time.time() > deadline:
            fail(f"{expr}: got {got}, want {want}")
        time.sleep(0.5)


def bucket_of(seconds):
    return next((i for i, bound in enumerate(BUCKETS) if seconds <= bound), len(BUCKETS))


def main():
    binary, loadclient = sys.argv[1], sys.argv[2]
    work = tempfile.mkdtemp(prefix="prometheus-")
    log = open(os.path.join(work, "servers.log"), "w")
    metrics, addr = start([binary, "serve", "--addr", "127.0.0.1:0", "--metrics-listen",
                           "127.0.0.1:0"], ["metrics at http://", "listening on "], log)
    bridged_metrics, bridged = start([binary, "serve", "--addr", "127.0.0.1:0", "--metrics-listen",
                                      "127.0.0.1:0", "--", "sh", "-c", SLOW_ECHO],
                                     ["metrics at http://", "listening on "], log)
    web_metrics, page = start([binary, "web", "--listen", "127.0.0.1:0", "--addr", addr,
                               "--metrics-listen", "127.0.0.1:0"],
                              ["metrics at http://", "web page at http://"], log)
    targets = {"serve": metrics, "bridged": bridged_metrics, "web": web_metrics}
    jobs = "".join(
        f"  - job_name: {job}\n    static_configs:\n      - targets: ['{url.split('/')[0]}']\n"
        for job, url in targets.items())
    config = os.path.join(work, "prometheus.yml")
    with open(config, "w") as f:
        f.write(f"global:\n  scrape_interval: 1s\nscrape_configs:\n{jobs}")
    port = free_port()
    api = f"http://127.0.0.1:{port}"
    prometheus = subprocess.Popen(
        ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={work}/data",
         f"--web.listen-address=127.0.0.1:{port}"],
        stdout=log, stderr=log)
    procs.append(prometheus)
    wait_for(api, "sum(up)", {"{}": 3.0})
    for url in targets.values():
        promtool(f"http://{url}")

    bench = subprocess.run([binary, "bench", "--addr", bridged, "-c", "20", "-n", "1", "-o", "json"],
                           capture_output=True, text=True, timeout=LIMIT)
    if bench.returncode != 0:
        fail(f"bench: {bench.stderr}")
    p99 = json.loads(bench.stdout)["latency_us"]["p99"] / 1e6
    bridged_ok = 'sum(grpc_server_handled_total{job="bridged",grpc_code="OK"})'
    wait_for(api, bridged_ok, {"{}": 20.0})
    quantile = query(api, 'histogram_quantile(0.99, sum by (le) '
                          '(grpc_server_handling_seconds_bucket{job="bridged",grpc_method="Conversations"}))')
    quantile = next(iter(quantile.values()))
    print(f"bench p99 {p99 * 1e3:.3f} ms; Prometheus's 0.99 quantile of handling time "
          f"{quantile * 1e3:.3f} ms")
    if abs(bucket_of(quantile) - bucket_of(p99)) > 1:
        fail(f"quantile {quantile} s is not within a bucket of bench's p99 {p99} s")

    load = subprocess.run([loadclient, "-addr", addr, "-c", "100", "-n", "20"],
                          capture_output=True, text=True, timeout=LIMIT * 3)
    if load.returncode != 0:
        fail(f"grpc-go load: {load.stdout} {load.stderr}")
    print(load.stdout.strip())
    handled = 'sum by (grpc_code) (grpc_server_handled_total{job="serve",grpc_method="Conversations"})'
    wait_for(api, handled, {json.dumps({"grpc_code": "OK"}): 100.0} | zeros(api, handled, "OK"))
    for way in ["received", "sent"]:
        wait_for(api, f'sum(grpc_server_msg_{way}_total{{job="serve",grpc_method="Conversations"}})',
                 {"{}": 100.0 * 20})

    for n in range(5):
        asked = subprocess.run([binary, "ask", "--addr", bridged, "a", "b", "c"],
                               capture_output=True, text=True, timeout=LIMIT)
        if asked.stdout.split() != ["a", "b", "c"]:
            fail(f"bridged ask {n}: {asked.stdout} {asked.stderr}")
    wait_for(api, 'sum(grpc_server_msg_received_total{job="bridged"})', {"{}": 20.0 + 15})
    wait_for(api, bridged_ok, {"{}": 20.0 + 5})
    wait_for(api, 'grpc_convo_process_exits_total{job="bridged"}',
             {json.dumps({"__name__": "grpc_convo_process_exits_total", "instance": bridged_metrics.split("/")[0],
                          "job": "bridged", "status": "0"}, sort_keys=True): 25.0})

    host, port_ = page.rstrip("/").rsplit(":", 1)
    with socket.create_connection((host, int(port_))) as s:
        s.sendall(f"GET / HTTP/1.1\r\nhost: evil.example:{port_}\r\nconnection: close\r\n\r\n".encode())
        if b" 403 " not in s.recv(100):
            fail("web answered a rebinding Host")
    wait_for(api, 'grpc_convo_web_refusals_total{job="web",reason="host"}',
             {json.dumps({"__name__": "grpc_convo_web_refusals_total", "instance": web_metrics.split("/")[0],
                          "job": "web", "reason": "host"}, sort_keys=True): 1.0})
    for url in targets.values():
        promtool(f"http://{url}")
    print("Prometheus's counts equal the clients'; promtool passes on every exposition")


def zeros(api, expr, but):
    """The zero series of `expr` (every code but `but` is exposed at 0)."""
    return {key: 0.0 for key, value in query(api, expr).items() if key != json.dumps({"grpc_code": but})}


if __name__ == "__main__":
    try:
        main()
    finally:
        for proc in procs:
            proc.kill()
