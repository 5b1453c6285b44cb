#!/usr/bin/env bash
# Every test of lede, with the real components they need:
#
#   1. a two-node OpenSearch 2.19 cluster from Maven Central jars (scripts/opensearch-cluster.sh;
#      needs Java 17 and Maven), whose URL the Rust tests read from LEDE_TEST_OPENSEARCH;
#   2. cargo test --locked (unit, property and end-to-end tests of the real binary);
#   3. the browser tests of `lede serve`'s page in Debian's Chromium (tests/browser/run.sh;
#      needs Node.js and /usr/bin/chromium), run on the binary the tests built.
#
# The cluster is stopped by its process ids whatever happens. For a quicker loop while
# developing, `cargo test` alone runs everything but the cluster and browser tests (which
# then say they were skipped; under CI=true they fail instead).
set -euo pipefail
cd "$(dirname "$0")/.."

need() {
    command -v "$1" >/dev/null || {
        echo "test.sh: $1 is needed ($2)" >&2
        exit 2
    }
}
need java "OpenSearch test cluster: apt-get install openjdk-17-jdk-headless"
need mvn "OpenSearch test cluster: apt-get install maven"
need node "browser tests: apt-get install nodejs npm"
need curl "OpenSearch test cluster: apt-get install curl"

cluster_dir="$(mktemp -d "${TMPDIR:-/tmp}/lede-opensearch.XXXXXX")"
stop_cluster() {
    scripts/opensearch-cluster.sh stop "$cluster_dir" >/dev/null 2>&1 || true
    rm -rf "$cluster_dir"
}
trap stop_cluster EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
url="$(scripts/opensearch-cluster.sh start "$cluster_dir" | tail -n 1)"
echo "test.sh: OpenSearch cluster at $url (2 nodes, green) in $((SECONDS - started)) s"
export LEDE_TEST_OPENSEARCH="$url"

cargo test --locked

bash tests/browser/run.sh "${CARGO_TARGET_DIR:-target}/debug/lede"
