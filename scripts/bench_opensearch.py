#!/usr/bin/env python3
"""lede on an OpenSearch cluster beside the local index, on Reuters-21578.

Prints ingest wall time and paragraphs/s into each, warm query latency (median and p99 of
`lede query --batch`'s per-query `took_ms`, top 10 with snippets, total and the country
facet, over the peers' query list), and how far the cluster's distinct-article counts
(OpenSearch's `cardinality` aggregation) are from the local index's exact ones.

    cargo build --release
    URL=$(scripts/opensearch-cluster.sh start | tail -n1)     # or any cluster
    python3 scripts/bench_opensearch.py --url "$URL"
    scripts/opensearch-cluster.sh stop

Needs ../shared/ (the corpus and the query list). Not run by CI: timings are measured here,
never asserted in tests, and the machine is shared and noisy.
"""
import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
REUTERS = os.path.join(SHARED, "corpora", "reuters-21578", "articles.jsonl")
QUERIES = os.path.join(SHARED, "bench", "peers", "queries.txt")
LEDE = os.environ.get("LEDE", os.path.join(ROOT, "target", "release", "lede"))
WARM_ROUNDS = 5


def lede(*args, check=True):
    return subprocess.run([LEDE, *args], capture_output=True, text=True, check=check)


def ingest(index, corpus):
    """Wall seconds and the paragraphs written."""
    started = time.monotonic()
    out = lede("ingest", corpus, "--index", index).stdout
    wall = time.monotonic() - started
    paragraphs = int(out.split(" paragraphs")[0].rsplit("· ", 1)[1])
    return wall, paragraphs


def warm(index, work):
    """Median and p99 of took_ms over WARM_ROUNDS rounds (the first round left out)."""
    with open(QUERIES) as f:
        queries = [q.strip() for q in f if q.strip()]
    batch = os.path.join(work, "warm.txt")
    with open(batch, "w") as f:
        f.write("\n".join(queries * (WARM_ROUNDS + 1)) + "\n")
    out = lede("query", "--index", index, "--batch", batch, "--json", "--facet", "country",
               "--limit", "10").stdout
    took = sorted(json.loads(line)["took_ms"] for line in out.splitlines()[len(queries):])
    return statistics.median(took), took[min(len(took) - 1, int(len(took) * 0.99))]


def article_counts(index, kind):
    out = lede("facets", kind, "--index", index, "--json", "--limit", "100000").stdout
    return {v["value"]: (v["passages"], v["articles"]) for v in json.loads(out)["values"]}


def delete(url):
    request = urllib.request.Request(url, method="DELETE")
    try:
        urllib.request.urlopen(request).read()
    except urllib.error.HTTPError as error:
        if error.code != 404:
            raise


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the cluster, http://HOST:9200")
    parser.add_argument("--corpus", default=REUTERS)
    args = parser.parse_args()
    remote = args.url.rstrip("/") + "/lede-bench-reuters"
    with tempfile.TemporaryDirectory() as work:
        local = os.path.join(work, "index")
        delete(remote)
        local_ingest = ingest(local, args.corpus)
        remote_ingest = ingest(remote, args.corpus)
        local_warm = warm(local, work)
        remote_warm = warm(remote, work)
        print(f"Reuters-21578, {local_ingest[1]:,} paragraphs; cluster at {args.url}\n")
        print("| | local index | OpenSearch |")
        print("|---|---|---|")
        print(f"| ingest s | {local_ingest[0]:.2f} | {remote_ingest[0]:.2f} |")
        print(f"| paragraphs/s | {local_ingest[1] / local_ingest[0]:,.0f} | "
              f"{remote_ingest[1] / remote_ingest[0]:,.0f} |")
        print(f"| warm query median / p99 ms | {local_warm[0]:.2f} / {local_warm[1]:.2f} | "
              f"{remote_warm[0]:.2f} / {remote_warm[1]:.2f} |")
        for kind in ("country", "person", "org"):
            exact, estimated = article_counts(local, kind), article_counts(remote, kind)
            assert exact.keys() == estimated.keys(), kind
            passages_equal = all(exact[v][0] == estimated[v][0] for v in exact)
            off = [(abs(estimated[v][1] - exact[v][1]) / exact[v][1], v) for v in exact]
            wrong = [v for e, v in off if e > 0]
            worst = max(off)
            print(f"\n{kind}: {len(exact)} values, passage counts equal: {passages_equal}; "
                  f"article counts differing: {len(wrong)}, the largest by "
                  f"{worst[0]:.2%} ({worst[1]}: {exact[worst[1]][1]} articles)")
        delete(remote)


if __name__ == "__main__":
    main()
