#!/usr/bin/env python3
"""Whole-command benchmark: lede against python tantivy and SQLite FTS5, in one invocation.

Prints, for Reuters-21578 (105k paragraphs) and for a million-paragraph corpus made by
repeating it with new ids: ingest wall time, paragraphs/s, MB/s, peak RSS, index size
relative to the text; cold `query "oil prices" --facet country` against the sqlite3 CLI
answering the same with snippets and facets (hyperfine); warm query median and p99 through
`lede query --batch` (its per-query `took_ms`) against the peers' in-process figures.
Ratios are lede / peer: below 1.0 lede is faster or smaller.

    pip install tantivy==0.27.0      # python tantivy, the peer
    cargo build --release
    cargo build-static                       # optional: the cold rows then show both builds
    python3 scripts/bench.py                 # Reuters and 1M paragraphs (about 10 minutes)
    python3 scripts/bench.py --skip-1m       # Reuters only (about 2 minutes)

Needs ../shared/ (corpora and the peer scripts), Linux /proc, hyperfine and sqlite3. Not run
by CI: timings are measured here, never asserted in tests. The machine is shared and noisy:
compare the ratios of one run, not absolute times across runs.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
PEERS = os.path.join(SHARED, "bench", "peers")
REUTERS = os.path.join(SHARED, "corpora", "reuters-21578", "articles.jsonl")
LEDE = os.environ.get("LEDE", os.path.join(ROOT, "target", "release", "lede"))
# `cargo build-static` (Linux on x86-64): measured beside LEDE in the cold rows when built.
LEDE_STATIC = os.environ.get(
    "LEDE_STATIC", os.path.join(ROOT, "target", "x86_64-unknown-linux-gnu", "release", "lede")
)
QUERIES = os.path.join(PEERS, "queries.txt")
WARM_ROUNDS = 5
# Warm p99 targets of issue 21, by corpus.
P99_TARGET_MS = {"reuters": 1.5, "1m": 10.0}
RUNS = 3


def timed(command, cwd=None):
    """Runs a command: (wall seconds, peak RSS MiB, peak private MiB, stdout).

    Peak RSS is the kernel's figure for the process (ru_maxrss); it counts the pages of
    memory-mapped index files a search engine reads, which the page cache can drop. Peak
    private memory (RssAnon, sampled every 20 ms) is what the process itself allocated.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, text=True)
        private = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            private = max(private, rss_anon_kib(process.pid))
            time.sleep(0.02)
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if process.returncode not in (0, 1):
            sys.exit(f"failed ({process.returncode}): {' '.join(command)}\n{err.read()[-2000:]}")
        return wall, usage.ru_maxrss / 1024, private / 1024, out.read()


def rss_anon_kib(pid):
    """The private resident memory of a running process, in KiB (0 once it has ended)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def dir_bytes(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    return sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(path) for f in fs)


def text_bytes(paras):
    """Title and body bytes of every paragraph record, as the peers' tables count them."""
    total = 0
    with open(paras, encoding="utf-8") as f:
        for line in f:
            p = json.loads(line)
            total += len(p["title"].encode()) + len(p["body"].encode())
    return total


def repeated(source, target, copies, key):
    """Writes `copies` copies of a JSON Lines file, each record's `key` suffixed with the copy."""
    with open(source, encoding="utf-8") as f:
        lines = f.readlines()
    with open(target, "w", encoding="utf-8") as out:
        for copy in range(copies):
            for line in lines:
                record = json.loads(line)
                record[key] = f"{record[key]}~{copy}"
                if key == "doc_id":
                    record["article_id"] = f"{record['article_id']}~{copy}"
                out.write(json.dumps(record) + "\n")


def median_runs(builds, runs):
    """Median wall time, peak RSS and peak private memory over `runs` builds of each index.

    `builds` maps a tool to (command, index). The tools take turns within each round, so
    that a change in the machine's load (it is shared) weighs on all of them alike.
    """
    results = {tool: [] for tool in builds}
    for _ in range(runs):
        for tool, (command, index) in builds.items():
            shutil.rmtree(index, ignore_errors=True)
            results[tool].append(timed(command)[:3])
    return {
        tool: tuple(statistics.median(r[i] for r in rows) for i in range(3))
        for tool, rows in results.items()
    }


def fts5_sql(query):
    """The three statements the peers' FTS5 CLI row runs: top 10 with snippets, total, facets."""
    match = " ".join('"%s"' % w for w in re.findall(r"\w+", query))
    return (
        f"SELECT doc_id, title, snippet(paras, 4, '<b>', '</b>', '...', 24) FROM paras "
        f"WHERE paras MATCH '{match}' ORDER BY bm25(paras) LIMIT 10;\n"
        f"SELECT count(*) FROM paras WHERE paras MATCH '{match}';\n"
        f"SELECT pc.country, count(*) FROM paras JOIN para_country pc ON pc.para = paras.rowid "
        f"WHERE paras MATCH '{match}' GROUP BY pc.country;\n"
    )


def hyperfine(commands, work):
    """Median milliseconds of each shell command: hyperfine, 5 warm-ups, 50 runs."""
    export = os.path.join(work, "hyperfine.json")
    # Through a shell for both (the sqlite3 row reads its statements from a file); hyperfine
    # subtracts the shell's own start-up.
    subprocess.run(
        ["hyperfine", "--warmup", "5", "--runs", "50", "--export-json", export] + commands,
        check=True, capture_output=True,
    )
    with open(export) as f:
        return [r["median"] * 1000 for r in json.load(f)["results"]]


def lede_warm(index, work):
    """Median and p99 of took_ms over WARM_ROUNDS rounds of the peer queries (first round left out)."""
    batch = os.path.join(work, "warm-queries.txt")
    with open(QUERIES) as f:
        queries = [q.strip() for q in f if q.strip()]
    with open(batch, "w") as f:
        f.write("\n".join(queries * (WARM_ROUNDS + 1)) + "\n")
    out = subprocess.run(
        [LEDE, "query", "--index", index, "--batch", batch, "--json", "--facet", "country", "--limit", "10"],
        capture_output=True, text=True,
    ).stdout
    took = [json.loads(line)["took_ms"] for line in out.splitlines()][len(queries):]
    return statistics.median(took), percentile(took, 99)


def warm_runs(lede_index, label, work):
    """Warm (median, p99) per tool: the median of RUNS runs each, the tools taking turns
    within each round so that a change in the shared machine's load weighs on all alike."""
    runs = {"lede": [], "tantivy-py": [], "sqlite-fts5": []}
    for _ in range(RUNS):
        runs["lede"].append(lede_warm(lede_index, work))
        for peer in ["tantivy-py", "sqlite-fts5"]:
            runs[peer].append(peer_warm(peer, os.path.join(work, f"{peer}-{label}")))
    return {
        tool: (None, None) if any(m is None for m, _ in results)
        else (statistics.median(m for m, _ in results), statistics.median(p for _, p in results))
        for tool, results in runs.items()
    }


def percentile(values, p):
    """The same percentile as the peers' bench_query.py."""
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100 * len(values) + 0.5)) - 1))
    return values[k]


def peer_warm(peer, index):
    """The peers' own warm-query script: (median, p99) of the `query` operation in ms."""
    out = subprocess.run(
        [sys.executable, os.path.join(PEERS, "bench_query.py"), peer, index, QUERIES, str(WARM_ROUNDS)],
        capture_output=True, text=True, check=True,
    ).stdout
    for line in out.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        query = record.get("query") or record.get("ops", {}).get("query")
        if isinstance(query, dict):
            return query.get("median_ms"), query.get("p99_ms")
    return None, None


def corpus_run(label, articles, paras, work, runs, with_cold):
    text = text_bytes(paras)
    paragraphs = sum(1 for _ in open(paras, encoding="utf-8"))
    lede_index = os.path.join(work, f"lede-{label}")
    builds = {"lede": ([LEDE, "ingest", articles, "--index", lede_index, "-q"], lede_index)}
    for peer in ["tantivy-py", "sqlite-fts5"]:
        index = os.path.join(work, f"{peer}-{label}")
        builds[peer] = ([sys.executable, os.path.join(PEERS, "bench_index.py"), peer, paras, index], index)
    rows = median_runs(builds, runs)
    sizes = {
        "lede": dir_bytes(lede_index),
        "tantivy-py": dir_bytes(os.path.join(work, f"tantivy-py-{label}")),
        "sqlite-fts5": dir_bytes(os.path.join(work, f"sqlite-fts5-{label}")),
    }
    print(f"\n## {label}: {paragraphs:,} paragraphs, {text / 1e6:.1f} MB of title+body text\n")
    print(
        "| tool | ingest wall s | paragraphs/s | MB/s | peak RSS MiB | peak private MiB "
        "| index MB | size/text | time vs lede |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for tool, (secs, rss, private) in rows.items():
        print(
            f"| {tool} | {secs:.2f} | {paragraphs / secs:,.0f} | {text / 1e6 / secs:.1f} | {rss:.0f} "
            f"| {private:.0f} "
            f"| {sizes[tool] / 1e6:.1f} | {sizes[tool] / text:.2f} | {rows['lede'][0] / secs:.2f}x |"
        )
    targets = [
        ("ingest time vs tantivy-py", rows["lede"][0] / rows["tantivy-py"][0], 1.0, "x"),
        ("index size vs text", sizes["lede"] / text, 1.4, "x"),
    ]
    if label == "1m":
        targets.append(("ingest peak RSS", rows["lede"][1], 150.0, " MiB"))
    warm = warm_runs(lede_index, label, work)
    lede_median, lede_p99 = warm["lede"]
    print(f"\nWarm query (top 10 + snippets + total + country facet), ms, median of {RUNS} "
          "runs taking turns:\n")
    print("| tool | median | p99 |")
    print("|---|---|---|")
    print(f"| lede (--batch took_ms, {WARM_ROUNDS} rounds of {QUERIES.split('/')[-1]}) | {lede_median:.3f} | {lede_p99:.3f} |")
    for peer in ["tantivy-py", "sqlite-fts5"]:
        median, p99 = warm[peer]
        if median is not None:
            print(f"| {peer} (bench_query.py) | {median:.3f} | {p99:.3f} |")
            if peer == "tantivy-py":
                targets.append(("warm median vs tantivy-py", lede_median / median, 1.0, "x"))
    targets.append(("warm p99", lede_p99, P99_TARGET_MS[label], " ms"))
    if with_cold:
        for query in ["oil prices", "weapons supply"]:
            sql = os.path.join(work, "query.sql")
            with open(sql, "w") as f:
                f.write(fts5_sql(query))
            db = os.path.join(work, f"sqlite-fts5-{label}", "paras.sqlite")
            ledes = {"lede": LEDE}
            if os.path.exists(LEDE_STATIC):
                ledes["lede static build"] = LEDE_STATIC
            commands = [f"{binary} query '{query}' --facet country --index {lede_index}"
                        for binary in ledes.values()]
            *lede_ms, sqlite_ms = hyperfine(commands + [f"sqlite3 {db} < {sql}"], work)
            print(f"\nCold whole command, \"{query}\" (hyperfine, median of 50 runs after 5 warm-ups): "
                  f"sqlite3 CLI {sqlite_ms:.2f} ms")
            for (name, binary), ms in zip(ledes.items(), lede_ms):
                print(f"- {name} ({binary}): {ms:.2f} ms, ratio {ms / sqlite_ms:.2f}x")
                targets.append((f"cold \"{query}\" vs sqlite3 CLI, {name}", ms / sqlite_ms, 1.0, "x"))
    print_targets(label, targets)


def print_targets(label, targets):
    """Each measured figure of issue 21 beside its target."""
    print(f"\nTargets ({label}):\n")
    print("| figure | measured | target | met |")
    print("|---|---|---|---|")
    for name, measured, limit, unit in targets:
        met = "yes" if measured <= limit else "NO"
        print(f"| {name} | {measured:.2f}{unit} | <= {limit:g}{unit} | {met} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-1m", action="store_true", help="only Reuters-21578")
    parser.add_argument("--work", default=os.path.join(tempfile.gettempdir(), "lede-bench"))
    parser.add_argument("--runs", type=int, default=RUNS, help="builds per tool (median)")
    args = parser.parse_args()
    for needed in [LEDE, REUTERS, PEERS]:
        if not os.path.exists(needed):
            sys.exit(f"missing {needed} (build with cargo build --release; ../shared/ must exist)")
    for tool in ["hyperfine", "sqlite3"]:
        if shutil.which(tool) is None:
            sys.exit(f"missing {tool} on PATH (Debian: apt-get install {tool})")
    os.makedirs(args.work, exist_ok=True)
    paras = os.path.join(args.work, "paras.jsonl")
    if not os.path.exists(paras):
        subprocess.run([sys.executable, os.path.join(PEERS, "make_paras.py"), REUTERS, paras], check=True)
    print(f"lede {subprocess.run([LEDE, '--version'], capture_output=True, text=True).stdout.strip()}, "
          f"{os.cpu_count()} cores; ratios are lede / peer, same run")
    corpus_run("reuters", REUTERS, paras, args.work, args.runs, with_cold=True)
    if not args.skip_1m:
        articles_1m = os.path.join(args.work, "articles-1m.jsonl")
        paras_1m = os.path.join(args.work, "paras-1m.jsonl")
        if not os.path.exists(paras_1m):
            repeated(REUTERS, articles_1m, 10, "id")
            repeated(paras, paras_1m, 10, "doc_id")
        corpus_run("1m", articles_1m, paras_1m, args.work, 1, with_cold=True)


if __name__ == "__main__":
    main()
