#!/usr/bin/env python3
"""Makes the fuzzer's seed inputs from the spec cases (tests/spec/*.txt).

    python3 tests/fuzz/make_seeds.py [--spec DIR] [--out DIR]

Each case's text becomes one seed: the 8 header bytes of fuzz_extract.c
(call types, extractor variant, reference date) followed by the text bytes.
The case's `types:` header (or the types of its expect lines) becomes the
call types, its `ref-date:` the reference date. A few cases also get seeds
for the other extractor variants (limits, the failing allocator) so every
path of the harness is in the corpus.

Seeds are named <spec file>-<first 12 hex digits of their SHA-1>, so the
same case always makes the same file. --out is emptied of *old* seeds of
this script (names with a '-' and 12 hex digits), nothing else.

Only the spec format's parts that matter here are read: `=== ` starts a
case, `ref-date:` and `types:` headers, `--- text` / `--- text-escaped`
up to the next `--- ` line, and the `"type":` of expect lines (see
tests/spec/README.md).
"""
import argparse
import hashlib
import json
import os
import re
import sys

TYPES = {"rank": 1, "title": 2, "unit": 3, "position": 4, "date": 5, "time": 6, "person": 7}
ALL = sum(1 << b for b in TYPES.values())


def unescape(text):
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c == 0x5C and i + 1 < len(text):  # backslash
            n = text[i + 1]
            if n == ord("x") and re.match(rb"[0-9a-fA-F]{2}", text[i + 2:i + 4]):
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
            table = {ord("n"): 10, ord("r"): 13, ord("t"): 9, 0x5C: 0x5C}
            if n in table:
                out.append(table[n])
                i += 2
                continue
        out.append(c)
        i += 1
    return bytes(out)


def parse_types(value):
    mask = 0
    for name in value.split(","):
        name = name.strip().lower()
        if name == "all":
            mask |= ALL
        elif name in TYPES:
            mask |= 1 << TYPES[name]
    return mask


def cases(path):
    """Yields (text bytes, types mask or 0, ref date (y, m, d) or None)."""
    with open(path, "rb") as f:
        lines = f.read().split(b"\n")
    case = None
    section = None
    for line in lines + [b"=== <end>"]:
        if line.startswith(b"=== "):
            if case and case["text"] is not None:
                yield case
            case = {"text": None, "types": 0, "expect_types": 0, "ref": None}
            section = "head"
            continue
        if case is None:
            continue
        if line.startswith(b"--- "):
            name = line[4:].strip()
            if name in (b"text", b"text-escaped"):
                section = name.decode()
                case["raw"] = []
            else:
                if section in ("text", "text-escaped"):
                    raw = b"\n".join(case["raw"])
                    case["text"] = unescape(raw) if section == "text-escaped" else raw
                section = name.decode()
            continue
        if section == "head":
            m = re.match(rb"ref-date:\s*(\d{4})-(\d{2})-(\d{2})\s*$", line)
            if m:
                case["ref"] = tuple(int(x) for x in m.groups())
            m = re.match(rb"types:\s*(.*?)\s*$", line)
            if m:
                case["types"] = parse_types(m.group(1).decode("utf-8", "replace"))
        elif section in ("text", "text-escaped"):
            case["raw"].append(line)
        elif section == "expect" and line.startswith(b"{"):
            try:
                t = json.loads(line.decode("utf-8")).get("type")
            except ValueError:
                t = None
            if t in TYPES:
                case["expect_types"] |= 1 << TYPES[t]


def header(types, variant, ref, flags=0, fail_at=0):
    """The 8 control bytes of fuzz_extract.c."""
    h = bytearray(8)
    h[0] = types & ALL
    h[1] = (variant & 7) | flags
    if ref:
        y, m, d = ref
        if 1950 <= y < 2100:
            h[2] = 0x80
            y16 = y - 1950
        else:
            h[2] = 0xC0
            y16 = y - 1
        h[3], h[4] = y16 >> 8, y16 & 0xFF
        h[5] = m - 1
        h[6] = d - 1
    h[7] = fail_at
    return bytes(h)


SEED_NAME = re.compile(r"^[a-z0-9_]+-[0-9a-f]{12}$")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spec", default=os.path.join(here, "..", "spec"))
    ap.add_argument("--out", default=os.path.join(here, "corpus", "seeds"))
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    for name in os.listdir(args.out):
        if SEED_NAME.match(name):
            os.remove(os.path.join(args.out, name))

    written = set()
    k = 0
    for spec in sorted(os.listdir(args.spec)):
        if not spec.endswith(".txt"):
            continue
        stem = re.sub(r"[^a-z0-9_]", "_", spec[:-4].lower())
        for case in cases(os.path.join(args.spec, spec)):
            types = case["types"] or case["expect_types"]
            seeds = [header(types, 0, case["ref"], flags=0x10 if k % 4 == 0 else 0)]
            # every 8th case also feeds the other variants of the harness
            if k % 8 == 0:
                v = 1 + (k // 8) % 7
                seeds.append(header(types, v, case["ref"], flags=0x20 | 0x40 * (k % 16 == 0),
                                    fail_at=(k // 8) % 40 + 1 if v == 7 else 0))
            k += 1
            for h in seeds:
                data = h + case["text"]
                digest = hashlib.sha1(data).hexdigest()[:12]
                name = "%s-%s" % (stem, digest)
                if name in written:
                    continue
                written.add(name)
                with open(os.path.join(args.out, name), "wb") as f:
                    f.write(data)
    print("make_seeds: %d seeds from %d cases in %s" % (len(written), k, args.out))
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
