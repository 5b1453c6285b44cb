#!/usr/bin/env bash
# Runs lede's property tests (the fuzz targets) over and over with fresh random seeds, for
# MINUTES minutes each (default 10), in release mode, and prints how many cases each ran.
# A failure stops the run; proptest then saves the shrunk input under proptest-regressions/,
# which is committed so that the case is checked by every `cargo test` from then on.
#
#   scripts/fuzz.sh            # 10 minutes per target
#   MINUTES=1 scripts/fuzz.sh  # a quick pass
#   scripts/fuzz.sh extract::tests::arbitrary_text_gives_spans_on_character_boundaries  # one target
#
# Not run by CI (it takes 40 minutes); CI runs each target's default number of cases.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${MINUTES:-10}
targets=(
  "paragraph::tests::paragraphs_cover_every_visible_character_once_and_stay_bounded"
  "extract::tests::arbitrary_text_gives_spans_on_character_boundaries"
  "source::tests::any_bytes_in_any_format_are_read_or_refused_by_name"
  "query::tests::any_query_text_is_answered_or_refused_cleanly"
  "query::semantics_tests::every_query_finds_exactly_what_its_tree_means"
  "backend::local::guard::damaged_index_tests::any_damage_to_any_file_is_answered_or_refused"
)
# The cases one run of TARGET checks: its module's `cases: N`, else proptest's default 256.
cases_per_run() {
  local module file
  # The test's module path without the test's name and its test module: its file.
  module=$(sed 's/::[a-z0-9_]*$//; s/::\(tests\|damaged_index_tests\)$//; s/::/\//g' <<<"$1")
  file="src/$module.rs"
  [ -f "$file" ] || file="src/$module/mod.rs"
  grep -o 'cases: [0-9]*' "$file" | head -1 | grep -o '[0-9]*$' || echo 256
}
if [ $# -gt 0 ]; then targets=("$@"); fi
cargo test --release --lib --no-run --quiet
for target in "${targets[@]}"; do
  deadline=$(( $(date +%s) + minutes * 60 ))
  runs=0
  cases=0
  while [ "$(date +%s)" -lt "$deadline" ]; do
    out=$(cargo test --release --lib --quiet "$target" -- --exact 2>&1) || {
      echo "$out"
      echo "FAILED: $target after $runs runs ($cases cases)"
      exit 1
    }
    grep -q "1 passed" <<<"$out" || { echo "$out"; echo "target not found: $target"; exit 1; }
    runs=$((runs + 1))
    cases=$((cases + $(cases_per_run "$target")))
  done
  echo "ok: $target: $runs runs, about $cases cases in $minutes min"
done
