#!/usr/bin/env python3
"""Measure lede's ranking on the CACM collection in ../shared/eval/ranking.

usage: python3 scripts/eval_ranking.py [--lede target/release/lede] [--shared ../shared]
                                      [--qrels qrels/test-fixed-ids.tsv] [-- EXTRA QUERY FLAGS]

Ingests cacm/corpus.jsonl (BEIR layout, as is) into a temporary index, runs
cacm/queries.jsonl as one batch with `lede query --batch --format trec --limit 1000`, once in
the default mode (every word first, then the rest) and once with `--any`, scores each run
with the collection's eval.py (nDCG@10, Recall@100, MRR@10, MAP, P@30) and prints the batch
throughput. The data is read from ../shared and never copied into the repository. Not run
by CI.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lede", default=os.path.join(REPO, "target", "release", "lede"))
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared"))
    ap.add_argument("--qrels", default="qrels/test-fixed-ids.tsv")
    ap.add_argument("extra", nargs="*", help="more flags for lede query")
    args = ap.parse_args()
    if not os.path.exists(args.lede):
        sys.exit(f"{args.lede} not found: run `cargo build --release` first")
    cacm = os.path.join(args.shared, "eval", "ranking", "cacm")
    with tempfile.TemporaryDirectory() as tmp:
        index = os.path.join(tmp, "index")
        started = time.time()
        subprocess.run([args.lede, "--index", index, "ingest", "-q", os.path.join(cacm, "corpus.jsonl")],
                       check=True)
        ingest = time.time() - started
        queries = os.path.join(cacm, "queries.jsonl")
        count = sum(1 for line in open(queries) if line.strip())
        print("CACM (3,204 abstracts, %d queries, %s); ingest %.2fs" % (count, args.qrels, ingest))
        for name, mode in (("default", []), ("--any", ["--any"])):
            run = os.path.join(tmp, "run.trec")
            started = time.time()
            with open(run, "w") as out:
                subprocess.run([args.lede, "--index", index, "query", "--batch", queries, "--format", "trec",
                                "--limit", "1000", *mode, *args.extra], check=True, stdout=out,
                               stderr=subprocess.DEVNULL)
            batch = time.time() - started
            result = subprocess.run([sys.executable, os.path.join(args.shared, "eval", "ranking", "eval.py"),
                                     os.path.join(cacm, args.qrels), run], capture_output=True, text=True,
                                    check=True)
            print(f"\n{name} ({' '.join(mode + args.extra) or 'no flags'}):")
            print(result.stdout.strip())
            print(f"batch of {count} queries at --limit 1000: {batch:.2f}s "
                  f"= {count / batch:.0f} queries/s (whole command, one process)")


if __name__ == "__main__":
    main()
