#!/usr/bin/env bash
# The static build (`cargo build-static`, see .cargo/config.toml; Linux on x86-64 only)
# builds, is statically linked, and answers as the binary the tests ran: the README's main
# job (ingest corpus/, then "weapons supply" faceted by country, as text and as JSON) run
# with both, outputs compared byte for byte (the JSON without its timing). Run by .ci/run
# after the tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
    echo "check_static.sh: skipped (the static build is for Linux on x86-64)"
    exit 0
fi

cargo build-static --locked
target="${CARGO_TARGET_DIR:-target}"
static="$target/x86_64-unknown-linux-gnu/release/lede"
tested="$target/debug/lede"
[ -x "$tested" ] || cargo build --locked

if ldd "$static" >/dev/null 2>&1; then
    echo "check_static.sh: $static is dynamically linked:" >&2
    ldd "$static" >&2
    exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/lede-static.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# One index path for both binaries, so that the answers name the same index.
answer() {
    local binary="$1" name="$2"
    rm -rf "$work/index"
    "$binary" --index "$work/index" ingest -q corpus/
    "$binary" --index "$work/index" query "weapons supply" --facet country >"$work/$name.txt" 2>&1
    "$binary" --index "$work/index" query "weapons supply" --facet country --json 2>/dev/null |
        sed 's/"took_ms":[0-9.]*//' >"$work/$name.json"
}
answer "$static" static
answer "$tested" tested

for kind in txt json; do
    if ! cmp -s "$work/static.$kind" "$work/tested.$kind"; then
        echo "check_static.sh: the static build answers otherwise ($kind):" >&2
        diff "$work/tested.$kind" "$work/static.$kind" >&2 || true
        exit 1
    fi
done
echo "check_static.sh: the static build answers as the tested binary ($(wc -l <"$work/static.txt") lines of text, JSON equal)"
