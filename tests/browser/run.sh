#!/usr/bin/env bash
# Browser tests of the page `lede serve` serves, in Debian's Chromium (/usr/bin/chromium)
# driven by playwright-core; no tool downloads a browser of its own.
#
#   tests/browser/run.sh [LEDE_BINARY]      # default: target/release/lede of this repository
#
# Builds a small corpus in a temporary folder, ingests it, starts `lede serve` on a free
# port, runs `npm ci` when node_modules is missing, runs the tests (node --test) with the
# server's address in LEDE_URL, and stops the server whatever happens. CHROMIUM overrides
# the browser's path.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
lede="${1:-$root/target/release/lede}"
if [[ ! -x "$lede" ]]; then
    echo "run.sh: no lede binary at $lede (build it with: cargo build --release)" >&2
    exit 2
fi
lede="$(cd "$(dirname "$lede")" && pwd)/$(basename "$lede")"

export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
    if [[ "$CHROMIUM" == /usr/bin/chromium && "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        echo "run.sh: installing Debian's chromium" >&2
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        echo "run.sh: no Chromium at $CHROMIUM (apt-get install -y chromium chromium-driver)" >&2
        exit 2
    fi
fi
command -v node >/dev/null || { echo "run.sh: node is needed" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/lede-browser.XXXXXX")"
server=""
cleanup() {
    if [[ -n "$server" ]] && kill -0 "$server" 2>/dev/null; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

node "$here/corpus.mjs" "$work/articles.jsonl"
"$lede" ingest --index "$work/index" --quiet "$work/articles.jsonl"

"$lede" serve --index "$work/index" --listen 127.0.0.1:0 >"$work/serve.out" 2>"$work/serve.err" &
server=$!
url=""
for _ in $(seq 100); do
    url="$(grep -o 'http://127\.0\.0\.1:[0-9]*/' "$work/serve.out" | head -n 1 || true)"
    [[ -n "$url" ]] && break
    if ! kill -0 "$server" 2>/dev/null; then
        echo "run.sh: lede serve stopped:" >&2
        cat "$work/serve.err" >&2
        exit 1
    fi
    sleep 0.1
done
if [[ -z "$url" ]]; then
    echo "run.sh: lede serve printed no address in 10 s" >&2
    cat "$work/serve.err" >&2
    exit 1
fi
echo "run.sh: lede serve at $url (pid $server)"

cd "$here"
if [[ ! -d node_modules/playwright-core ]]; then
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
fi

status=0
LEDE_URL="$url" node --test --test-concurrency=1 --test-reporter=spec ./*.test.mjs || status=$?
if [[ $status -ne 0 ]]; then
    echo "run.sh: server log:" >&2
    cat "$work/serve.err" >&2
fi
exit "$status"
