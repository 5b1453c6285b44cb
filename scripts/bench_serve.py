#!/usr/bin/env python3
"""Measure `lede serve` under load: throughput and latency percentiles, and memory.

usage: python3 scripts/bench_serve.py [--lede target/release/lede] [--shared ../shared]
                                     [--index DIR] [--seconds 20] [--requests 100000]

Builds an index of Reuters-21578 (../shared/corpora/reuters-21578/articles.jsonl) unless
--index names one, starts `lede serve` on a free port, and sends the 55 queries of
../shared/bench/peers/queries.txt (in turn, each with the country facet, as
/api/query?q=...&facet=country) with wrk (Debian's `wrk`, a load generator on this same
machine) at 1, 8 and 64 concurrent connections, printing requests/s and the 50th and
99th latency percentiles. Then it sends --requests more requests at 8 connections and
samples the server's resident memory every second: it should stay flat. Not run by CI.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

LUA = """
local paths = {}
local next_path = 0
init = function(args)
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
end
request = function()
  next_path = next_path % #paths + 1
  return wrk.format("GET", paths[next_path])
end
"""


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def start_server(lede, index):
    server = subprocess.Popen([lede, "--index", index, "serve", "--listen", "127.0.0.1:0"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = server.stdout.readline()
    match = re.search(r"http://([0-9.]+:[0-9]+)/", line)
    if not match:
        server.kill()
        sys.exit(f"lede serve did not start: {line!r}")
    return server, "http://" + match.group(1)


def wrk(url, connections, seconds, script, paths):
    threads = min(connections, 2)
    out = subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
                          "--latency", "-s", script, url, "--", paths],
                         capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([0-9.]+)", out).group(1))
    requests = int(re.search(r"([0-9]+) requests in", out).group(1))
    latency = {}
    for percent, value, unit in re.findall(r"\s(50|99)%\s+([0-9.]+)(us|ms|s)\b", out):
        factor = {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
        latency[percent] = float(value) * factor
    errors = re.search(r"Non-2xx or 3xx responses: ([0-9]+)", out)
    return rate, requests, latency, int(errors.group(1)) if errors else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lede", default=os.path.join(REPO, "target", "release", "lede"))
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared"))
    ap.add_argument("--index")
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--requests", type=int, default=100_000)
    args = ap.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    if not os.path.exists(args.lede):
        sys.exit(f"{args.lede} not found: run `cargo build --release` first")
    with tempfile.TemporaryDirectory() as tmp:
        index = args.index
        if not index:
            index = os.path.join(tmp, "index")
            corpus = os.path.join(args.shared, "corpora", "reuters-21578", "articles.jsonl")
            subprocess.run([args.lede, "--index", index, "ingest", "-q", corpus], check=True)
        queries = os.path.join(args.shared, "bench", "peers", "queries.txt")
        paths = os.path.join(tmp, "paths.txt")
        with open(queries) as source, open(paths, "w") as out:
            for line in source:
                if line.strip():
                    out.write("/api/query?q=%s&facet=country\n" % urllib.parse.quote_plus(line.strip()))
        script = os.path.join(tmp, "queries.lua")
        with open(script, "w") as out:
            out.write(LUA)
        server, url = start_server(args.lede, index)
        try:
            wrk(url, 8, 3, script, paths)  # warm the page cache and the server
            print(f"lede serve on {url}, index {index}; wrk on the same machine, {args.seconds} s each")
            print("clients  requests/s   p50 ms   p99 ms  non-2xx")
            for connections in (1, 8, 64):
                rate, _, latency, errors = wrk(url, connections, args.seconds, script, paths)
                print(f"{connections:>7}  {rate:>10.0f}  {latency.get('50', 0):>7.2f}  "
                      f"{latency.get('99', 0):>7.2f}  {errors:>7}")
            # Memory over many requests: sampled every second while they run.
            rate, _, _, _ = wrk(url, 8, 3, script, paths)
            seconds = max(5, int(args.requests / max(rate, 1)))
            samples = []
            load = subprocess.Popen(["wrk", "-t", "2", "-c", "8", "-d", f"{seconds}s", "-s", script,
                                     url, "--", paths], stdout=subprocess.PIPE, text=True)
            while load.poll() is None:
                samples.append(rss_kib(server.pid))
                time.sleep(1)
            sent = int(re.search(r"([0-9]+) requests in", load.stdout.read()).group(1))
            print(f"resident memory over {sent} requests: first {samples[0] / 1024:.1f} MiB, "
                  f"last {samples[-1] / 1024:.1f} MiB, highest {max(samples) / 1024:.1f} MiB")
        finally:
            server.kill()
            server.wait()


if __name__ == "__main__":
    main()
