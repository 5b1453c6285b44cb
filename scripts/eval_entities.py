#!/usr/bin/env python3
"""Measure lede's entity extraction on the development sets in ../shared/eval.

usage: python3 scripts/eval_entities.py [--lede target/release/lede] [--shared ../shared]
                                       [--skip-trnews] [--skip-reuters] [--skip-conll]
                                       [--show-errors N] [--conll-errors FILE]

1. TR-News paragraphs (../shared/eval/entities/trnews_paragraphs.jsonl): the paragraphs of
   each source article are joined into one article (so lede sees the article context it
   sees in real use), run through `lede extract`, mapped back to the gold paragraphs, and
   scored with the set's own score.py --byte-offsets: country-set micro P/R/F1 and
   place-name (LOC) span P/R/F1.
2. Reuters-21578 (../shared/corpora/reuters-21578/articles.jsonl): the union of paragraph
   countries per article against the human `places` field (article-level micro P/R/F1;
   the 1987 articles' `ussr` is SU, `east-germany` DD, `yugoslavia` YU, `czechoslovakia` CS),
   and the recall of the human `people` field by the persons lede names (a gold person is
   found when every part of the hyphenated gold name is a word of a predicted name).
3. CoNLL-2003 English development set (../shared/eval/entities/conll2003_testa.jsonl): the
   sentences of each document are joined with blank lines into one article, run through
   `lede extract`, mapped back to the gold sentences and scored with score.py
   --byte-offsets: exact-span P/R/F1 per type, with lede's kinds read as person -> PER,
   org -> ORG, location -> LOC, nationality -> MISC.

The data is read from ../shared and never copied into the repository. Not run by CI.
"""
import argparse
import collections
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# Reuters `places` names that are not plain country names.
REUTERS_PLACES = {
    "usa": "US", "uk": "GB", "ussr": "SU", "west-germany": "DE", "east-germany": "DD",
    "south-korea": "KR", "north-korea": "KP", "hong-kong": "HK", "taiwan": "TW",
    "ivory-coast": "CI", "burma": "MM", "zaire": "CD", "yugoslavia": "YU",
    "czechoslovakia": "CS", "uae": "AE", "bahamas": "BS", "netherlands-antilles": "CW",
    "ussr-": "SU", "vatican": "VA", "macau": "MO", "french-guiana": "GF", "guadeloupe": "GP",
    "martinique": "MQ", "reunion": "RE", "new-caledonia": "NC", "tahiti": "PF",
    "west-bank": "PS", "gaza": "PS", "south-yemen": "YE", "north-yemen": "YE",
    "sao-tome": "ST", "cape-verde": "CV", "trinidad-tobago": "TT", "kampuchea": "KH",
    "east-timor": "TL", "bermuda": "BM", "cayman-islands": "KY", "guinea-bissau": "GW",
}


# The 1987 states under today's codes: the mapping used before lede knew former states
# (--reuters-codes today), to compare with figures measured then.
REUTERS_TODAY = {"ussr": "RU", "ussr-": "RU", "east-germany": "DE", "yugoslavia": "RS",
                 "czechoslovakia": "CZ"}


def load_countries():
    names = {}
    path = os.path.join(REPO, "schema", "gazetteer", "countries.tsv")
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            code, name = cells[0], cells[1]
            keys = [name] + (cells[2].split("|") if len(cells) > 2 and cells[2] else [])
            for key in keys:
                names.setdefault(key.lower().replace(" ", "-").replace(".", ""), code)
    return names


def run_extract(lede, path):
    started = time.time()
    out = subprocess.run([lede, "--index", os.path.join(tempfile.gettempdir(), "lede-eval-no-index"),
                          "extract", path], capture_output=True, text=True)
    elapsed = time.time() - started
    if out.returncode not in (0, 2):
        sys.exit(f"lede extract failed ({out.returncode}):\n{out.stderr}")
    return [json.loads(line) for line in out.stdout.splitlines()], elapsed


def gold_articles(gold_path, articles_path):
    """Reads a gold file and writes its lines as articles: each document's lines joined with
    blank lines, so that lede sees the article context it sees in real use. Returns the gold
    lines, the number of documents and, per document, (body byte offset, gold line)."""
    gold = [json.loads(line) for line in open(gold_path, encoding="utf-8")]
    by_doc = collections.OrderedDict()
    for g in gold:
        by_doc.setdefault(g["doc"], []).append(g)
    starts = collections.defaultdict(list)
    with open(articles_path, "w", encoding="utf-8") as f:
        for doc, lines in by_doc.items():
            body = b""
            for g in lines:
                if body:
                    body += b"\n\n"
                starts[doc].append((len(body), g))
                body += g["text"].encode("utf-8")
            f.write(json.dumps({"id": doc, "body": body.decode("utf-8")}) + "\n")
    return gold, len(by_doc), starts


def gold_line_of(starts, record):
    """The gold line a `lede extract` paragraph starts in, and the bytes to add to the
    paragraph's offsets to make them the line's."""
    candidates = [(o, g) for o, g in starts[record["article_id"]] if o <= record["offset"]]
    offset, g = max(candidates, key=lambda c: c[0])
    return g, record["offset"] - offset


def score(args, gold_path, preds, tmp):
    """Writes the predictions and scores them with the set's score.py (byte offsets)."""
    pred_path = os.path.join(tmp, "pred.jsonl")
    with open(pred_path, "w", encoding="utf-8") as f:
        for p in preds.values():
            f.write(json.dumps(p) + "\n")
    script = os.path.join(args.shared, "eval", "entities", "score.py")
    result = subprocess.run([sys.executable, script, gold_path, pred_path, "--byte-offsets", "--json"],
                            capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


def trnews(args):
    gold_path = os.path.join(args.shared, "eval", "entities", "trnews_paragraphs.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        articles = os.path.join(tmp, "trnews.jsonl")
        gold, docs, starts = gold_articles(gold_path, articles)
        records, elapsed = run_extract(args.lede, articles)
        preds = {}
        for r in records:
            g, shift = gold_line_of(starts, r)
            p = preds.setdefault(g["id"], {"id": g["id"], "entities": [], "countries": set()})
            for m in r["mentions"]:
                if m["kind"] == "location":
                    p["entities"].append({"start": m["start"] + shift, "end": m["end"] + shift, "type": "LOC"})
            p["countries"].update(r["countries"])
        for p in preds.values():
            p["countries"] = sorted(p["countries"])
        res = score(args, gold_path, preds, tmp)
        c, loc = res["countries"], res["entities"].get("LOC", {})
        print(f"TR-News ({len(gold)} paragraphs, {docs} articles)")
        print(f"  countries  P {c['p']*100:5.1f}  R {c['r']*100:5.1f}  F1 {c['f1']*100:5.1f}"
              f"  (lines {c['lines']}, exact-set {c['exact_set_acc']*100:.1f}%)")
        print(f"  LOC spans  P {loc.get('p',0)*100:5.1f}  R {loc.get('r',0)*100:5.1f}  F1 {loc.get('f1',0)*100:5.1f}")
        print(f"  extract time {elapsed:.2f}s (whole command)")
        if args.show_errors:
            show_country_errors(gold, preds, args.show_errors)


def show_country_errors(gold, preds, n):
    shown = 0
    for g in gold:
        if g.get("countries_complete") is False:
            continue
        p = set(preds.get(g["id"], {}).get("countries", []))
        gc = set(g["countries"])
        if p != gc and shown < n:
            shown += 1
            print(f"--- {g['id']}: missing {sorted(gc - p)} extra {sorted(p - gc)}")
            print("   ", g["text"][:300].replace("\n", " "))


KIND_TYPES = {"person": "PER", "org": "ORG", "location": "LOC", "nationality": "MISC"}


def conll(args):
    gold_path = os.path.join(args.shared, "eval", "entities", "conll2003_testa.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        articles = os.path.join(tmp, "conll.jsonl")
        gold, docs, starts = gold_articles(gold_path, articles)
        records, elapsed = run_extract(args.lede, articles)
        preds = {g["id"]: {"id": g["id"], "entities": []} for g in gold}
        for r in records:
            g, shift = gold_line_of(starts, r)
            for m in r["mentions"]:
                kind = KIND_TYPES.get(m["kind"])
                if kind:
                    preds[g["id"]]["entities"].append(
                        {"start": m["start"] + shift, "end": m["end"] + shift, "type": kind})
        res = score(args, gold_path, preds, tmp)["entities"]
        print(f"CoNLL-2003 testa ({len(gold)} sentences, {docs} documents; exact spans)")
        for t in ["PER", "ORG", "LOC", "MISC", "ALL"]:
            m = res.get(t, {"p": 0, "r": 0, "f1": 0, "gold": 0, "pred": 0})
            print(f"  {t:4}  P {m['p']*100:5.1f}  R {m['r']*100:5.1f}  F1 {m['f1']*100:5.1f}"
                  f"  (gold {m['gold']}, predicted {m['pred']})")
        if args.conll_errors:
            write_span_errors(gold, preds, args.conll_errors)


def write_span_errors(gold, preds, path):
    """Writes every sentence whose predicted spans differ from the gold ones, for reading."""
    with open(path, "w", encoding="utf-8") as f:
        for g in gold:
            text = g["text"]
            raw = text.encode("utf-8")
            gs = {(e["start"], e["end"], e["type"]) for e in g["entities"]}
            ps = set()
            for e in preds[g["id"]]["entities"]:
                chars = (len(raw[:e["start"]].decode("utf-8", "replace")),
                         len(raw[:e["end"]].decode("utf-8", "replace")))
                ps.add((chars[0], chars[1], e["type"]))
            if gs == ps:
                continue
            f.write(f"--- {g['id']}: {text}\n")
            for s_, e_, t in sorted(gs - ps):
                f.write(f"  missed {t:4} {text[s_:e_]}\n")
            for s_, e_, t in sorted(ps - gs):
                f.write(f"  extra  {t:4} {text[s_:e_]}\n")


def reuters(args):
    path = os.path.join(args.shared, "corpora", "reuters-21578", "articles.jsonl")
    codes = load_countries()
    codes.update(REUTERS_PLACES)
    if args.reuters_codes == "today":
        codes.update(REUTERS_TODAY)
    gold = {}
    people = {}
    unknown = collections.Counter()
    size = 0
    for line in open(path, encoding="utf-8"):
        a = json.loads(line)
        size += len(a["body"].encode("utf-8"))
        places = set()
        for p in a["places"]:
            code = codes.get(p)
            if code:
                places.add(code)
            else:
                unknown[p] += 1
        gold[a["id"]] = places
        people[a["id"]] = a["people"]
    records, elapsed = run_extract(args.lede, path)
    found = collections.defaultdict(set)
    persons = collections.defaultdict(set)
    for r in records:
        found[r["article_id"]].update(r["countries"])
        persons[r["article_id"]].update(r["persons"])
    tp = fp = fn = 0
    scored = 0
    for aid, g in gold.items():
        if not g:
            continue
        scored += 1
        p = found.get(aid, set())
        tp += len(g & p)
        fp += len(p - g)
        fn += len(g - p)
    prec = tp / (tp + fp) if tp + fp else 0
    rec = tp / (tp + fn) if tp + fn else 0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0
    gold_people = found_people = 0
    for aid, names in people.items():
        words = {w.lower() for name in persons.get(aid, ()) for w in name.replace("-", " ").split()}
        for name in names:
            gold_people += 1
            found_people += all(part in words for part in name.split("-"))
    print(f"Reuters-21578 ({len(gold)} articles, {scored} with places; {size/1e6:.1f} MB of body text)")
    print(f"  article countries  P {prec*100:5.1f}  R {rec*100:5.1f}  F1 {f1*100:5.1f}")
    print(f"  people recall      {found_people}/{gold_people} = {found_people/max(gold_people,1)*100:.1f}%")
    print(f"  extract: {elapsed:.1f}s for the whole command = {size/1e6/elapsed:.1f} MB/s"
          " (reading, splitting, extraction and JSON output, one thread)")
    if unknown:
        print(f"  places without a code (left out): {dict(unknown.most_common(10))}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lede", default=os.path.join(REPO, "target", "release", "lede"))
    ap.add_argument("--shared", default=os.path.join(REPO, "..", "shared"))
    ap.add_argument("--skip-trnews", action="store_true")
    ap.add_argument("--skip-reuters", action="store_true")
    ap.add_argument("--skip-conll", action="store_true")
    ap.add_argument("--reuters-codes", choices=["then", "today"], default="then",
                    help="read Reuters' ussr, yugoslavia, czechoslovakia and east-germany as the "
                         "former states' codes SU, YU, CS, DD (then, the default) or as today's "
                         "RU, RS, CZ, DE (today: how lede was scored before it knew former states)")
    ap.add_argument("--show-errors", type=int, default=0, metavar="N",
                    help="print N TR-News paragraphs whose country set is wrong")
    ap.add_argument("--conll-errors", metavar="FILE",
                    help="write the CoNLL sentences whose spans differ from the gold ones to FILE")
    args = ap.parse_args()
    if not os.path.exists(args.lede):
        sys.exit(f"{args.lede} not found: run `cargo build --release` first")
    if not args.skip_trnews:
        trnews(args)
    if not args.skip_reuters:
        reuters(args)
    if not args.skip_conll:
        conll(args)


if __name__ == "__main__":
    main()
