#!/usr/bin/env python3
"""Fill the `population` column of schema/gazetteer/regions.tsv from cities.tsv.

build.py writes the column itself (the people of each ISO subdivision's GeoNames cities);
this script gives the same figure from the shipped files alone, for a regions.tsv built
before the column existed: the sum of the populations of the cities.tsv rows whose admin1
cell names the region in its country. Curated regions (curated/regions.tsv) and US
counties are not weighed: their cell stays empty.

usage: python3 scripts/gazetteer/weigh_regions.py [schema/gazetteer]
"""
import collections
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "schema", "gazetteer")
    people = collections.Counter()
    with open(os.path.join(folder, "cities.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            if len(cells) > 4 and cells[4]:
                for cc in cells[1].split("|"):
                    people[(cells[4], cc)] += int(cells[2])
    curated = set()
    with open(os.path.join(HERE, "curated", "regions.tsv"), encoding="utf-8") as f:
        for line in f:
            if not line.startswith("#") and line.strip():
                cells = line.rstrip("\n").split("\t")
                curated.add((cells[0], cells[1]))
    path = os.path.join(folder, "regions.tsv")
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            cells = line.rstrip("\n").split("\t")
            if line.startswith("#"):
                out.append("#name\tcountry\taliases\ttype\tpopulation")
                continue
            cells = (cells + [""] * 4)[:4]
            weighed = (cells[0], cells[1]) not in curated and cells[3] != "county"
            total = sum(people[(cells[0], cc)] for cc in cells[1].split("|"))
            out.append("\t".join(cells + [str(total) if weighed else ""]))
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
