#!/usr/bin/env bash
# test_cli.sh POLISI_BIN SRC_DIR: end-to-end tests of the polisi command line.
# Exit 0 when every check passes. Needs bash and python3.
set -u

if [ $# -ne 2 ]; then
    echo "usage: $0 POLISI_BIN SRC_DIR" >&2
    exit 2
fi
BIN=$1
FIX=$2/tests/cli
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok   - $1"; }
bad() {
    fail=$((fail + 1))
    echo "FAIL - $1"
    if [ -n "${2:-}" ]; then printf '%s\n' "$2" | head -n 12 | sed 's/^/       /'; fi
}

# run CMD...: stdout in $TMP/out, stderr in $TMP/err, status in $rc.
run() { "$@" >"$TMP/out" 2>"$TMP/err"; rc=$?; }

# expect_rc NAME CODE: the last run exited with CODE.
expect_rc() {
    if [ "$rc" -eq "$2" ]; then ok "$1"; else
        bad "$1" "exit status $rc, expected $2; stderr: $(head -c 400 "$TMP/err")"
    fi
}

# expect_err NAME REGEX: the last run's stderr matches REGEX (grep -E).
expect_err() {
    if grep -Eq -- "$2" "$TMP/err"; then ok "$1"; else
        bad "$1" "stderr does not match /$2/: $(head -c 400 "$TMP/err")"
    fi
}

expect_no_out() {
    if [ ! -s "$TMP/out" ]; then ok "$1"; else bad "$1" "stdout: $(head -c 200 "$TMP/out")"; fi
}

# Python helper: `check.py MODE FILE EXPR [INPUT]` parses FILE (MODE docs:
# concatenated JSON documents; lines: one JSON value per line) strictly as
# UTF-8 into the list D and evaluates EXPR. INPUT (optional) is the raw input
# whose bytes the entity offsets must slice to the entity texts.
cat >"$TMP/check.py" <<'PY'
import json, re, sys
mode, path, expr = sys.argv[1:4]
raw = open(path, "rb").read()
try:
    text = raw.decode("utf-8")
    if mode == "lines":
        D = [json.loads(l) for l in text.split("\n") if l != ""]
        if not text.endswith("\n"):
            raise ValueError("the output does not end with a newline")
    else:
        D, dec, i = [], json.JSONDecoder(), 0
        while True:
            while i < len(text) and text[i] in " \t\r\n":
                i += 1
            if i == len(text):
                break
            v, i = dec.raw_decode(text, i)
            D.append(v)
except (ValueError, UnicodeDecodeError) as err:
    sys.exit("not valid JSON/UTF-8: %s\n%s" % (err, raw[:300]))

def ents(d):
    return d["entities"]

def types(d):
    return sorted(set(e["type"] for e in d["entities"]))

def has_rank(d, code):
    return any(e["type"] == "rank" and e.get("code") == code for e in d["entities"])

def spans_ok(d, data):
    fold = lambda s: re.sub("\ufffd+", "\ufffd", s)
    for e in d["entities"]:
        piece = data[e["start"]:e["end"]].decode("utf-8", "replace")
        if not (0 <= e["start"] <= e["end"] <= len(data)) or fold(piece) != fold(e["text"]):
            return False
    return True

inp = open(sys.argv[4], "rb").read() if len(sys.argv) > 4 else b""
if not eval(expr):
    sys.exit("check failed: %s\noutput: %s" % (expr, raw[:600].decode("utf-8", "replace")))
PY

# check NAME MODE EXPR [INPUT]: evaluates EXPR over the last run's stdout.
check() {
    local msg
    if msg=$(python3 "$TMP/check.py" "$2" "$TMP/out" "$3" ${4:+"$4"} 2>&1); then ok "$1"; else
        bad "$1" "$msg"
    fi
}

# --- version and help ---------------------------------------------------
run "$BIN" --version
expect_rc "--version exits 0" 0
if grep -Eq '^polisi [0-9]+\.[0-9]+\.[0-9]+$' "$TMP/out"; then ok "--version prints 'polisi X.Y.Z'"; else
    bad "--version prints 'polisi X.Y.Z'" "$(cat "$TMP/out")"
fi
run "$BIN" -V
expect_rc "-V exits 0" 0
run "$BIN" --help
expect_rc "--help exits 0" 0
if grep -q '^Usage: polisi' "$TMP/out" && grep -q -- '--jsonl' "$TMP/out"; then ok "--help prints the usage on stdout"; else
    bad "--help prints the usage on stdout" "$(head -c 300 "$TMP/out")"
fi
run "$BIN" -h
expect_rc "-h exits 0" 0

# --- documents: files and stdin --------------------------------------------
run "$BIN" "$FIX/doc.txt"
expect_rc "a file: exit 0" 0
check "a file: one JSON document with its name as id" docs \
    "len(D) == 1 and D[0]['id'].endswith('tests/cli/doc.txt') and isinstance(D[0]['entities'], list)"
check "a file: every entity text is its byte slice" docs "spans_ok(D[0], inp)" "$FIX/doc.txt"

run "$BIN" <"$FIX/doc.txt"
expect_rc "stdin: exit 0" 0
check "stdin: one JSON document with id \"-\"" docs "len(D) == 1 and D[0]['id'] == '-' and isinstance(D[0]['entities'], list)"

run "$BIN" - <"$FIX/doc2.txt"
check "'-' reads stdin" docs "len(D) == 1 and D[0]['id'] == '-'"

run "$BIN" "$FIX/doc.txt" "$FIX/doc2.txt"
expect_rc "two files: exit 0" 0
check "two files: two documents, one per line, in order" lines \
    "len(D) == 2 and D[0]['id'].endswith('doc.txt') and D[1]['id'].endswith('doc2.txt')"

run "$BIN" --pretty "$FIX/doc.txt"
expect_rc "--pretty: exit 0" 0
check "--pretty: valid JSON" docs "len(D) == 1 and isinstance(D[0]['entities'], list)"

: >"$TMP/empty.txt"
run "$BIN" "$TMP/empty.txt"
check "an empty file: no entities" docs "len(D) == 1 and D[0]['entities'] == []"

# --- ranks and --types ------------------------------------------------------
printf 'Kapolres Magetan AKBP MUSLIMIN hadir.' >"$TMP/akbp.txt"
run "$BIN" "$TMP/akbp.txt"
check "AKBP text: a rank entity with code AKBP" docs "has_rank(D[0], 'AKBP')"
check "AKBP text: spans slice the input" docs "spans_ok(D[0], inp)" "$TMP/akbp.txt"

run "$BIN" --types rank "$FIX/doc.txt"
expect_rc "--types rank: exit 0" 0
check "--types rank: only ranks" docs "types(D[0]) == ['rank'] and has_rank(D[0], 'AKP')"

run "$BIN" --types=RANK,date "$FIX/doc.txt"
check "--types=RANK,date: only ranks and dates" docs "set(types(D[0])) <= {'rank', 'date'} and has_rank(D[0], 'AKBP')"

# --- invalid UTF-8 and NUL bytes -------------------------------------------
printf 'AKBP \xff\x00 Sutrisno \xc3\x28 \xe2\x82 hadir\x00.' >"$TMP/binary.txt"
run "$BIN" "$TMP/binary.txt"
expect_rc "invalid UTF-8 and NUL: exit 0" 0
check "invalid UTF-8 and NUL: valid JSON" docs "len(D) == 1 and has_rank(D[0], 'AKBP')"
check "invalid UTF-8 and NUL: spans slice the input" docs "spans_ok(D[0], inp)" "$TMP/binary.txt"
printf '\xff\x00' | run "$BIN"
check "printf '\\xff\\x00' on stdin: valid JSON" docs "len(D) == 1 and D[0]['id'] == '-'"
printf '{"id":"b","text":"AKBP \\u0000 x\xff"}\n' >"$TMP/nul.jsonl"
run "$BIN" --jsonl "$TMP/nul.jsonl"
check "--jsonl: \\u0000 and a raw invalid byte in text: valid JSON" lines "len(D) == 1 and has_rank(D[0], 'AKBP')"

# --- JSON Lines ---------------------------------------------------------------
run "$BIN" --jsonl "$FIX/records.jsonl"
expect_rc "--jsonl: exit 0" 0
check "--jsonl: one line per record, ids in order, types kept" lines \
    "[d['id'] for d in D] == [1, 'berita-2', 3, 'empat \u00e9', -50.0, 'crlf'] and type(D[0]['id']) is int and type(D[4]['id']) is float and all(list(d) == ['id', 'entities'] for d in D)"
check "--jsonl: ranks found" lines \
    "has_rank(D[0], 'AKBP') and has_rank(D[1], 'AKP') and not any(e['type'] == 'rank' for e in ents(D[2]))"
if grep -q -- '-5.0e1' "$TMP/out"; then ok "--jsonl: a numeric id is written as given"; else
    bad "--jsonl: a numeric id is written as given" "$(cat "$TMP/out")"
fi
run "$BIN" --jsonl <"$FIX/records.jsonl"
check "--jsonl from stdin" lines "len(D) == 6"
run "$BIN" --jsonl "$FIX/records.jsonl" - <"$FIX/records.jsonl"
check "--jsonl: a file then stdin" lines "len(D) == 12 and D[6]['id'] == 1"

run "$BIN" --jsonl "$FIX/bad_middle.jsonl"
expect_rc "--jsonl with bad records: exit 1" 1
expect_err "--jsonl: a bad JSON line is reported with file:line" 'polisi: .*bad_middle\.jsonl:2: bad JSON'
expect_err "--jsonl: a record with no text is reported" 'polisi: .*bad_middle\.jsonl:4: .*"text"'
expect_err "--jsonl: a record with a bad date is reported" 'polisi: .*bad_middle\.jsonl:5: bad date'
check "--jsonl: the other records are still written, in order" lines "[d['id'] for d in D] == [1, 3, 6]"

printf '{"id":1,"text":"AKBP Sutrisno."}\n[1,2]\n{"id":{"a":1},"text":"x"}\n{"id":4,"text":"x","date":7}\n{"id":5,"text":7}\n' >"$TMP/odd.jsonl"
run "$BIN" --jsonl "$TMP/odd.jsonl"
expect_rc "--jsonl: records of the wrong shape: exit 1" 1
check "--jsonl: records of the wrong shape are skipped" lines "[d['id'] for d in D] == [1]"
expect_err "--jsonl: an array line is reported" 'odd\.jsonl:2: '
expect_err "--jsonl: an object id is reported" 'odd\.jsonl:3: '

# --- reference dates ------------------------------------------------------------
run "$BIN" --ref-date 2018-11-05 "$FIX/doc.txt"
expect_rc "--ref-date 2018-11-05: exit 0" 0
printf '{"id":"a","text":"Pelaku ditangkap kemarin sore.","date":"2018-11-05"}\n{"id":"b","text":"Pelaku ditangkap kemarin sore."}\n' >"$TMP/rel.jsonl"
run "$BIN" --jsonl --ref-date 2020-03-01 "$TMP/rel.jsonl"
expect_rc "--jsonl with a record date and --ref-date: exit 0" 0
if python3 "$TMP/check.py" lines "$TMP/out" "any(e['type'] == 'date' for d in D for e in ents(d))" >/dev/null 2>&1; then
    check "a record's date overrides --ref-date" lines \
        "[e['value'] for e in ents(D[0]) if e['type'] == 'date'] == ['2018-11-04'] and [e['value'] for e in ents(D[1]) if e['type'] == 'date'] == ['2020-02-29']"
else
    echo "skip - a record's date overrides --ref-date (no relative dates from the library yet)"
fi

# --- errors ---------------------------------------------------------------------
run "$BIN" "$TMP/no-such-file.txt" "$FIX/doc2.txt"
expect_rc "a missing file: exit 1" 1
expect_err "a missing file: a message naming it" '^polisi: .*no-such-file\.txt'
check "a missing file: the other file is still processed" docs "len(D) == 1 and D[0]['id'].endswith('doc2.txt')"

run "$BIN" --jsonl "$TMP/no-such-file.jsonl" "$FIX/records.jsonl"
expect_rc "--jsonl, a missing file: exit 1" 1
check "--jsonl, a missing file: the other file is still processed" lines "len(D) == 6"

for arg in 2018-13-01 2018-02-30 18-11-05 kemarin 2018-11-5 ''; do
    run "$BIN" --ref-date "$arg" "$FIX/doc.txt"
    expect_rc "--ref-date '$arg': exit 2" 2
    expect_no_out "--ref-date '$arg': nothing on stdout"
done
expect_err "--ref-date: a usage message" '^polisi: .*ref-date'
for arg in rnak '' 'rank;date'; do
    run "$BIN" --types "$arg" "$FIX/doc.txt"
    expect_rc "--types '$arg': exit 2" 2
    expect_no_out "--types '$arg': nothing on stdout"
done
expect_err "--types: a usage message" '^polisi: .*types'
run "$BIN" --no-such-option "$FIX/doc.txt"
expect_rc "an unknown option: exit 2" 2
expect_err "an unknown option: a usage message" '^polisi: '
run "$BIN" --ref-date
expect_rc "a missing option argument: exit 2" 2
run "$BIN" --jsonl --pretty "$FIX/records.jsonl"
expect_rc "--jsonl --pretty: exit 2" 2
expect_err "--jsonl --pretty: a message" '^polisi: .*--pretty'

if [ -w /dev/full ]; then
    "$BIN" "$FIX/doc.txt" >/dev/full 2>"$TMP/err"
    rc=$?
    expect_rc "a full disk on stdout: exit 1" 1
    expect_err "a full disk on stdout: a message" '^polisi: .*write'
fi
for _ in $(seq 400); do cat "$FIX/records.jsonl"; done >"$TMP/many.jsonl"
"$BIN" --jsonl "$TMP/many.jsonl" 2>"$TMP/err" | head -c 10 >/dev/null
rc=${PIPESTATUS[0]}
expect_rc "a closed pipe on stdout: exit 1" 1

# --- -j N: worker threads, output in input order ---------------------------
# same_run NAME ARGS...: the run with ARGS writes the same stdout, stderr and
# exit status as the reference in $TMP/ref.{out,err,rc}.
same_run() {
    local name=$1
    shift
    run "$@"
    if [ "$rc" -eq "$(cat "$TMP/ref.rc")" ] && cmp -s "$TMP/out" "$TMP/ref.out" && cmp -s "$TMP/err" "$TMP/ref.err"; then
        ok "$name"
    else
        bad "$name" "exit $rc (want $(cat "$TMP/ref.rc")); $(diff "$TMP/out" "$TMP/ref.out" | head -n 3) $(diff "$TMP/err" "$TMP/ref.err" | head -n 3)"
    fi
}
keep_ref() { cp "$TMP/out" "$TMP/ref.out"; cp "$TMP/err" "$TMP/ref.err"; echo "$rc" >"$TMP/ref.rc"; }

run "$BIN" --jsonl -j 1 "$TMP/many.jsonl"
expect_rc "-j 1: exit 0" 0
check "-j 1: 2400 records in order" lines "len(D) == 2400 and [d['id'] for d in D[:6]] == [1, 'berita-2', 3, 'empat \u00e9', -50.0, 'crlf']"
keep_ref
same_run "-j 2: the same output as -j 1, in input order" "$BIN" --jsonl -j 2 "$TMP/many.jsonl"
same_run "--jobs 3: the same output as -j 1" "$BIN" --jsonl --jobs 3 "$TMP/many.jsonl"
same_run "--jobs=8: the same output as -j 1" "$BIN" --jsonl --jobs=8 "$TMP/many.jsonl"
same_run "-j 0 (one per CPU): the same output as -j 1" "$BIN" --jsonl -j 0 "$TMP/many.jsonl"
"$BIN" --jsonl -j 2 <"$TMP/many.jsonl" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 0 ] && cmp -s "$TMP/out" "$TMP/ref.out"; then ok "-j 2 from stdin: the same output"; else bad "-j 2 from stdin: the same output" "exit $rc"; fi

run "$BIN" --jsonl -j 1 "$FIX/bad_middle.jsonl" "$TMP/no-such-file.jsonl" "$TMP/odd.jsonl" "$FIX/records.jsonl"
expect_rc "-j 1, bad records and a missing file: exit 1" 1
keep_ref
same_run "-j 2, bad records and a missing file: the same records and messages, in order" \
    "$BIN" --jsonl -j 2 "$FIX/bad_middle.jsonl" "$TMP/no-such-file.jsonl" "$TMP/odd.jsonl" "$FIX/records.jsonl"
same_run "-j 4, bad records and a missing file: the same again" \
    "$BIN" --jsonl -j 4 "$FIX/bad_middle.jsonl" "$TMP/no-such-file.jsonl" "$TMP/odd.jsonl" "$FIX/records.jsonl"

run "$BIN" "$FIX/doc.txt" "$TMP/no-such-file.txt" "$TMP/binary.txt" "$FIX/doc2.txt"
keep_ref
same_run "-j 2 with documents: the same documents and messages, in order" \
    "$BIN" -j 2 "$FIX/doc.txt" "$TMP/no-such-file.txt" "$TMP/binary.txt" "$FIX/doc2.txt"

if grep -q $'\r' "$TMP/err"; then bad "-j 2: no progress line when stderr is not a terminal"; else
    ok "-j 2: no progress line when stderr is not a terminal"
fi
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
    script -qec "'$BIN' --jsonl -j 2 '$TMP/many.jsonl' >'$TMP/tty.out'" /dev/null >"$TMP/tty.err" 2>&1
    if grep -q 'polisi: 2400 records' "$TMP/tty.err" && [ "$(wc -l <"$TMP/tty.out")" -eq 2400 ]; then
        ok "-j 2: a progress line when stderr is a terminal"
    else
        bad "-j 2: a progress line when stderr is a terminal" "$(head -c 300 "$TMP/tty.err")"
    fi
else
    echo "skip - -j 2: a progress line when stderr is a terminal (no script(1))"
fi

for arg in -1 x 2x 257 ''; do
    run "$BIN" --jsonl -j "$arg" "$FIX/records.jsonl"
    expect_rc "-j '$arg': exit 2" 2
    expect_no_out "-j '$arg': nothing on stdout"
done
expect_err "-j: a usage message" '^polisi: .*jobs'

"$BIN" --jsonl -j 2 "$TMP/many.jsonl" 2>"$TMP/err" | head -c 10 >/dev/null
rc=${PIPESTATUS[0]}
expect_rc "-j 2, a closed pipe on stdout: exit 1" 1
if [ -w /dev/full ]; then
    "$BIN" --jsonl -j 2 "$TMP/many.jsonl" >/dev/full 2>"$TMP/err"
    rc=$?
    expect_rc "-j 2, a full disk on stdout: exit 1" 1
    if [ "$(grep -c 'write error' "$TMP/err")" -eq 1 ]; then ok "-j 2, a full disk: one message"; else
        bad "-j 2, a full disk: one message" "$(head -c 300 "$TMP/err")"
    fi
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
