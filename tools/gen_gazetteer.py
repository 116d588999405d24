#!/usr/bin/env python3
"""Generate lib/gazetteer.c: the place names of Indonesia for unit names.

Usage:
  gen_gazetteer.py PACKAGE [-o lib/gazetteer.c]
  gen_gazetteer.py --word-filter WORD...

PACKAGE is the npm package idn-area-data (version 4), unpacked or as its
.tgz, for example:

  cd /tmp && npm pack idn-area-data@4      # idn-area-data-4.0.1.tgz
  python3 tools/gen_gazetteer.py /tmp/idn-area-data-4.0.1.tgz

The package's code is MIT; its data is under the Open Database License
(ODbL). The generated table is a derived database: lib/gazetteer.NOTICE
carries the attribution and the licence terms that come with it.

What the table holds: every province, regency (kabupaten/kota, without the
words "Kabupaten", "Kota", "Administrasi") and district (kecamatan/distrik)
name, once, with flags saying which kinds of area bear it. District names
with a number word or a Roman numeral at the end ("Ilir Barat Satu") also
get their other spellings ("Ilir Barat 1", "Ilir Barat I"), names with a
bracket or a slash get their parts. The library uses the table to know
where a place name after "Polres"/"Polsek" ends, not to rewrite it.

Each name is stored as the library's scanner keys it: lower case, one
token per word or punctuation mark, tokens joined by one space ("Na IX-X"
is "na ix - x"), sorted bytewise, so that lib/units.c finds the longest
name at a token by binary search, with no work at extractor creation.

With --word-filter it prints the filter of a sorted word list of
lib/units.c or lib/positions.c instead (units.h, polisi__word_filter):
creation checks every filter against its list, so a list edited without
its filter is an error, not a silent miss.
"""
import argparse
import csv
import io
import os
import re
import sys
import tarfile

FLAG_REGENCY = 1
FLAG_CITY = 2
FLAG_DISTRICT = 4
FLAG_PROVINCE = 8

NUMBER_WORDS = ["Satu", "Dua", "Tiga", "Empat", "Lima", "Enam", "Tujuh", "Delapan",
                "Sembilan", "Sepuluh"]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def read_csvs(package):
    """Returns {name: text} for provinces, regencies, districts and the version."""
    wanted = ("provinces.csv", "regencies.csv", "districts.csv")
    out = {}
    version = "?"
    if os.path.isdir(package):
        for w in wanted:
            with open(os.path.join(package, "data", w), encoding="utf-8") as f:
                out[w] = f.read()
        pj = os.path.join(package, "package.json")
        if os.path.exists(pj):
            with open(pj, encoding="utf-8") as f:
                m = re.search(r'"version"\s*:\s*"([^"]+)"', f.read())
                version = m.group(1) if m else "?"
    else:
        with tarfile.open(package) as tar:
            for m in tar.getmembers():
                base = os.path.basename(m.name)
                if base in wanted and "/data/" in "/" + m.name:
                    out[base] = tar.extractfile(m).read().decode("utf-8")
                elif m.name.endswith("package.json") and m.name.count("/") == 1:
                    t = tar.extractfile(m).read().decode("utf-8")
                    mm = re.search(r'"version"\s*:\s*"([^"]+)"', t)
                    version = mm.group(1) if mm else "?"
    for w in wanted:
        if w not in out:
            sys.exit("gen_gazetteer: %s not found in %s" % (w, package))
    return out, version


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def regency_name(name):
    """(name without its prefix, is a city)."""
    for prefix, city in (("Kabupaten Administrasi ", False), ("Kota Administrasi ", True),
                         ("Kabupaten ", False), ("Kota ", True)):
        if name.startswith(prefix):
            return name[len(prefix):], city
    return name, False


def spellings(name):
    """The name and its other spellings."""
    name = re.sub(r"\s+", " ", name).strip()
    out = [name]
    m = re.match(r"^(.*?)\s*\((.*)\)$", name)
    if m:  # "Misool (Misool Utara)"
        out = [m.group(1).strip(), m.group(2).strip()]
    parts = []
    for n in out:
        if "/" in n:  # "Konda/ Kondaga"
            parts.extend(p.strip() for p in n.split("/") if p.strip())
        else:
            parts.append(n)
    more = []
    for n in parts:
        more.append(n)
        words = n.split(" ")
        if len(words) < 2:
            continue
        last, head = words[-1], " ".join(words[:-1])
        if words[-2] == "-" or words[-2] in ROMAN:  # "Na IX - X" is a range
            continue
        if last in NUMBER_WORDS:
            k = NUMBER_WORDS.index(last)
            more += ["%s %d" % (head, k + 1), "%s %s" % (head, ROMAN[k])]
        elif last in ROMAN:
            more.append("%s %d" % (head, ROMAN.index(last) + 1))
        elif last.isdigit() and 1 <= int(last) <= len(ROMAN):
            more.append("%s %s" % (head, ROMAN[int(last) - 1]))
    return more


def key(name):
    """The scanner's tokens of an ASCII name, lower case, joined by spaces."""
    if not name.isascii():
        sys.exit("gen_gazetteer: non-ASCII name %r: teach key() the scanner's folding" % name)
    return " ".join(re.findall(r"[a-z0-9]+|[^\sa-z0-9]", name.lower()))


def c_string(s):
    out = []
    for ch in s:
        if ch in '"\\':
            out.append("\\" + ch)
        elif 0x20 <= ord(ch) < 0x7f:
            out.append(ch)
        else:
            out.extend("\\x%02x" % b for b in ch.encode("utf-8"))
            out.append('""')  # end the hex escape
    return '"' + "".join(out) + '"'


def build(csvs):
    places = {}  # key -> [key, flags]

    def add(name, flag):
        for n in spellings(name):
            if not re.search(r"[A-Za-z]", n):
                continue
            k = key(n)
            if k in places:
                places[k][1] |= flag
            else:
                places[k] = [k, flag]

    for r in rows(csvs["provinces.csv"]):
        add(r["name"], FLAG_PROVINCE)
    for r in rows(csvs["regencies.csv"]):
        n, city = regency_name(r["name"])
        add(n, FLAG_REGENCY | (FLAG_CITY if city else 0))
    for r in rows(csvs["districts.csv"]):
        add(r["name"], FLAG_DISTRICT)
    return sorted(places.values(), key=lambda p: p[0].encode("ascii"))


# The index of first words (lib/units.c, gazetteer_first): a hash table of
# 2^FIRST_BITS slots, each the run lo, lo + len of the names whose first token
# is one word, found by the word's polisi__hash (the scanner's hash of a key,
# which every token carries) and linear probing. The top FIRST_BITS bits of
# the hash give the slot, the 8 bits under them the slot's tag, so that a
# probe reads a name only when the tags agree.
FIRST_BITS = 13
MASK64 = (1 << 64) - 1


def hash_step(h, lo, hi):
    return ((h ^ lo ^ (hi * 0xC2B2AE3D27D4EB4F & MASK64)) * 0x9E3779B97F4A7C15) & MASK64


def polisi_hash(word):
    """lib/scanner.c's polisi__hash of a key (its words read little-endian on
    every machine): keep the two in step."""
    s = word.encode("utf-8")
    h = 0
    while len(s) > 16:
        h = hash_step(h, int.from_bytes(s[:8], "little"), int.from_bytes(s[8:16], "little"))
        h ^= h >> 32
        s = s[16:]
    return hash_step(h, int.from_bytes(s[:8], "little"), int.from_bytes(s[8:16], "little")) >> 32


def first_index(places):
    runs = {}  # first word -> [lo, hi)
    for i, (name, _) in enumerate(places):
        w = name.split(" ")[0]
        if w in runs:
            if runs[w][1] != i:
                sys.exit("gen_gazetteer: the names of %r are not one run" % w)
            runs[w][1] = i + 1
        else:
            runs[w] = [i, i + 1]
    size = 1 << FIRST_BITS
    if len(runs) * 4 > size * 3 or len(places) >= 1 << 16:
        sys.exit("gen_gazetteer: raise FIRST_BITS or widen the index")
    slots = [(0, 0, 0)] * size
    for w, (lo, hi) in runs.items():  # in the order of the names
        if hi - lo > 255:
            sys.exit("gen_gazetteer: the run of %r is too long for the index" % w)
        h = polisi_hash(w)
        s = h >> (32 - FIRST_BITS)
        while slots[s][1]:
            s = (s + 1) & (size - 1)
        slots[s] = (lo, hi - lo, (h >> (24 - FIRST_BITS)) & 0xFF)
    return slots


# A word filter (lib/units.h, polisi__word_filter): bit polisi__hash(word) >>
# (32 - WORD_FILTER_BITS) set for each word of a list.
WORD_FILTER_BITS = 11


def word_filter(words):
    bits = [0] * ((1 << WORD_FILTER_BITS) // 64)
    for w in words:
        b = polisi_hash(w) >> (32 - WORD_FILTER_BITS)
        bits[b // 64] |= 1 << (b % 64)
    return bits


def emit(places, version, counts):
    lines = [
        "/*",
        " * gazetteer.c: GENERATED by tools/gen_gazetteer.py; do not edit.",
        " *",
        " * Place names of Indonesia from the npm package idn-area-data %s" % version,
        " * (https://github.com/fityannugroho/idn-area-data): %d provinces," % counts[0],
        " * %d regencies, %d districts; %d names with their spellings, as token" % (
            counts[1], counts[2], len(places)),
        " * keys (lower case, tokens joined by one space), sorted bytewise.",
        " * Data (c) idn-area-data contributors, under the Open Database License",
        " * (ODbL) 1.0; this table is a derived database under the same licence.",
        " * See lib/gazetteer.NOTICE.",
        " */",
        '#include "gazetteer.h"',
        "",
        "const polisi__place polisi__gazetteer[] = {",
    ]
    for name, flags in places:
        lines.append("    {%s, %d}," % (c_string(name), flags))
    lines += [
        "};",
        "",
        "const size_t polisi__gazetteer_count = sizeof polisi__gazetteer / sizeof polisi__gazetteer[0];",
        "",
        "const polisi__place_run polisi__gazetteer_first[1u << POLISI__GAZETTEER_FIRST_BITS] = {",
    ]
    slots = first_index(places)
    for k in range(0, len(slots), 8):
        lines.append("    " + " ".join("{%d, %d, %d}," % slot for slot in slots[k:k + 8]))
    lines += [
        "};",
        "",
    ]
    return "\n".join(lines)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("package", nargs="?", help="idn-area-data: unpacked directory or .tgz")
    ap.add_argument("-o", "--output", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "lib", "gazetteer.c"))
    ap.add_argument("--word-filter", nargs="+", metavar="WORD",
                    help="print the filter of a word list of lib/units.c or lib/positions.c "
                         "(its words as keys: lower case) instead")
    args = ap.parse_args(argv)
    if args.word_filter:
        bits = ["0x%016xu," % b for b in word_filter(args.word_filter)]
        for k in range(0, len(bits), 4):
            print("    " + " ".join(bits[k:k + 4]))
        return 0
    if not args.package:
        ap.error("PACKAGE is required")
    csvs, version = read_csvs(args.package)
    counts = [len(rows(csvs[w])) for w in ("provinces.csv", "regencies.csv", "districts.csv")]
    places = build(csvs)
    with open(args.output, "w", encoding="utf-8", newline="\n") as f:
        f.write(emit(places, version, counts))
    print("gen_gazetteer: %d names -> %s" % (len(places), args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
