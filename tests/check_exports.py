#!/usr/bin/env python3
"""Checks that a shared libpolisi exports exactly the public API.

The dynamic symbols the library defines (`nm -D --defined-only`) must be
exactly the functions declared with POLISI_EXPORT in include/polisi.h:
nothing internal leaks out (polisi__* helpers, statics, the lexicon tables),
and nothing the header promises is missing.

Usage: check_exports.py --header include/polisi.h --lib libpolisi.so [--nm nm]
"""
import argparse
import re
import subprocess
import sys

# Symbols a toolchain or sanitizer runtime may add to any shared object;
# they are not part of the API and not ours to hide.
TOOLCHAIN_SYMBOLS = {"_init", "_fini", "__bss_start", "_edata", "_end"}
TOOLCHAIN_PREFIXES = ("__asan", "__ubsan", "__sanitizer", "__lsan", "___asan", "__odr_asan")


def declared_exports(header_text):
    """Names of the functions declared with POLISI_EXPORT."""
    text = re.sub(r"/\*.*?\*/", " ", header_text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"^\s*#.*?(?<!\\)$", " ", text, flags=re.M | re.S)
    names = []
    for decl in re.findall(r"\bPOLISI_EXPORT\b([^;{]*?)\(", text):
        match = re.search(r"([A-Za-z_]\w*)\s*$", decl)
        if not match:
            sys.exit(f"check_exports: cannot read the declaration: POLISI_EXPORT{decl}(")
        names.append(match.group(1))
    return names


def defined_dynamic_symbols(nm, lib):
    """Names of the dynamic symbols `lib` defines, with their nm type letters."""
    out = subprocess.run([nm, "-D", "--defined-only", lib], check=True,
                         stdout=subprocess.PIPE, universal_newlines=True).stdout
    symbols = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        kind, name = parts[-2], parts[-1]
        name = name.split("@")[0]  # drop a symbol version
        if kind in ("A",) or name in TOOLCHAIN_SYMBOLS or name.startswith(TOOLCHAIN_PREFIXES):
            continue
        symbols[name] = kind
    return symbols


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--header", required=True)
    parser.add_argument("--lib", required=True)
    parser.add_argument("--nm", default="nm")
    args = parser.parse_args()

    with open(args.header, encoding="utf-8") as f:
        declared = declared_exports(f.read())
    if not declared:
        sys.exit(f"check_exports: no POLISI_EXPORT declaration in {args.header}")
    duplicates = sorted({n for n in declared if declared.count(n) > 1})
    exported = defined_dynamic_symbols(args.nm, args.lib)

    missing = sorted(set(declared) - set(exported))
    extra = sorted(set(exported) - set(declared))
    not_functions = sorted(n for n in set(declared) & set(exported)
                           if exported[n] not in ("T", "W", "i"))
    ok = True
    if duplicates:
        ok = False
        print("declared twice in the header:", *duplicates, sep="\n  ")
    if missing:
        ok = False
        print("declared POLISI_EXPORT but not exported by the library:", *missing, sep="\n  ")
    if extra:
        ok = False
        print("exported by the library but not declared POLISI_EXPORT in the header"
              " (make it static, or keep the polisi__ name hidden):", *extra, sep="\n  ")
    if not_functions:
        ok = False
        print("exported, but not as functions:", *not_functions, sep="\n  ")
    if ok:
        print(f"exports: {len(declared)} functions, exactly the POLISI_EXPORT API of "
              f"{args.header}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
