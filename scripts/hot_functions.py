#!/usr/bin/env python3
"""Write scripts/hot-functions.txt: the functions a cold `lede query` runs, for the linker.

usage: python3 scripts/hot_functions.py [--index DIR ...] BINARY [BINARY ...]

A cold query runs about 1,500 of the binary's 24,000 functions, but they lie spread over
most of its 11 MB of code: the process took a page fault for each 64 KiB of code it
touched (about 110 a query, a third of its page faults). build.rs hands this list to the
linker (lld's --symbol-ordering-file), which places these functions first and together.

Each BINARY (a release build of the current source, e.g. target/release/lede and, from
`cargo build-static`, target/x86_64-unknown-linux-gnu/release/lede) ingests 300 copies of
corpus/ into a temporary index (so that posting lists fill compressed blocks and the
document store compresses, as in a real index) and runs the commands below under
valgrind's callgrind, and the same over each --index given (a larger real index, such
as the Reuters one scripts/bench.py builds, reaches code paths of longer posting lists that
the copies miss); the functions of
the binary itself that ran, in the order callgrind first lists them, are written once each.
The names are mangled with hashes of the toolchain and the dependencies' versions: after
a change of Rust or of Cargo.lock, run this again (names that no longer exist are passed
over by the linker, so a stale list costs speed, never a build). Needs valgrind. Not run by
CI.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
OUTPUT = os.path.join(HERE, "hot-functions.txt")
COPIES = 300

# Cold commands a user types: plain and JSON answers, each facet kind, filters, phrases,
# prefixes, exclusions, --any, the empty query, later pages, listing facets, stats.
COMMANDS = [
    ["query", "weapons supply", "--facet", "country"],
    ["query", "weapons supply", "--facet", "country", "--json"],
    ["query", "putin kim", "--facet", "person", "--facet", "org", "--limit", "20"],
    ["query", '"north korea" -missiles', "--country", "KP", "--facet", "country"],
    ["query", "meet* kim", "--any", "--person", "putin"],
    ["query", "leader", "--per-article", "--format", "csv"],
    ["query", "", "--facet", "country"],
    ["query", "body:vladivostok", "--explain"],
    ["query", "body:vladivostok", "--since", "2000-01-01"],
    ["facets", "country"],
    ["stats"],
]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--index", action="append", default=[], help="an index to query too")
    ap.add_argument("binaries", nargs="+")
    args = ap.parse_args()
    names = []
    for binary in args.binaries:
        for name in functions_run(os.path.abspath(binary), args.index):
            if name not in names:
                names.append(name)
    binaries = args.binaries
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    with open(OUTPUT, "w") as out:
        out.write("# Functions a cold `lede query` runs, placed first by the linker (see build.rs).\n")
        out.write(f"# Written by scripts/hot_functions.py with {rustc}; run it again after a\n")
        out.write("# change of Rust or Cargo.lock.\n")
        for name in names:
            out.write(name + "\n")
    print(f"{len(names)} functions from {len(binaries)} binaries -> {OUTPUT}")


def functions_run(binary, indexes):
    """Names of the functions of `binary` that the commands ran, over copies of corpus/
    and over each of `indexes`."""
    names = []
    with tempfile.TemporaryDirectory() as tmp:
        articles = os.path.join(tmp, "articles")
        copy_corpus(articles, COPIES)
        index = os.path.join(tmp, "index")
        subprocess.run([binary, "--index", index, "ingest", "-q", articles], check=True)
        runs = [(index, command) for index in [index] + indexes for command in COMMANDS]
        for number, (index, command) in enumerate(runs):
            profile = os.path.join(tmp, f"callgrind.{number}")
            run = subprocess.run(
                ["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={profile}",
                 binary, "--index", index] + command,
                capture_output=True, text=True,
            )
            # 1 is "no passage matches", 2 a refusal ("no person of that name" in another
            # index): answers like any other.
            if run.returncode not in (0, 1, 2):
                sys.exit(f"{command} failed: {run.stderr}")
            for name in functions_of(profile, binary):
                if name not in names:
                    names.append(name)
    return names


def copy_corpus(folder, copies):
    """`copies` copies of each file of corpus/, under names of their own. Copies of a text
    file each leave out some of its paragraphs, so that the gaps between the passages of a
    word vary as in real postings (their compression takes a code path per gap width)."""
    os.makedirs(folder)
    corpus = os.path.join(REPO, "corpus")
    for name in sorted(os.listdir(corpus)):
        source = os.path.join(corpus, name)
        if not os.path.isfile(source):
            continue
        for copy in range(copies):
            target = os.path.join(folder, f"{copy}-{name}")
            if name.endswith((".txt", ".md")):
                with open(source, encoding="utf-8") as f:
                    paragraphs = f.read().split("\n\n")
                kept = [p for i, p in enumerate(paragraphs) if i == 0 or (copy * 7 + i * 3) % 5]
                with open(target, "w", encoding="utf-8") as f:
                    f.write("\n\n".join(kept))
            else:
                shutil.copy(source, target)


def functions_of(profile, binary):
    """Function names callgrind's `profile` lists as run in `binary`'s own code."""
    objects, functions = {}, {}
    current = None
    for line in open(profile):
        line = line.rstrip("\n")
        # `ob=(3) /path` names an object the first time, `ob=(3)` after; `cob=`/`cfn=`
        # name a callee's, which is listed again where it runs itself.
        match = re.match(r"^(c?)ob=\((\d+)\)(?: (.*))?$", line)
        if match:
            callee, key, name = match.groups()
            if name:
                objects[key] = name
            if not callee:
                current = objects[key]
            continue
        match = re.match(r"^(c?)fn=\((\d+)\)(?: (.*))?$", line)
        if match:
            callee, key, name = match.groups()
            if name:
                functions[key] = name
            name = functions[key]
            own = current is not None and os.path.realpath(current) == os.path.realpath(binary)
            # Addresses stand for code without a symbol, "(below main)" for the C start-up.
            if not callee and own and not name.startswith(("0x", "(")):
                yield name


if __name__ == "__main__":
    main()
