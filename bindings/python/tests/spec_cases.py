"""A reader of tests/spec/*.txt (format: tests/spec/README.md), the same rules
as tests/spec_runner.c, and the comparison of a case with the binding's
output. Used by test_spec.py."""
import json
import os
import re

FIELDS = None  # set by load(): the polisi_field names


class Case:
    def __init__(self, path, line):
        self.path = path
        self.line = line
        self.name = None
        self.ref_date = None
        self.types = None  # set of type names, or None until finished
        self.types_given = False
        self.text = None  # bytes
        self.expect = []  # (line, raw str, dict)
        self.error = None

    def fail(self, line, msg):
        if self.error is None:
            self.error = "%s:%d: format error: %s" % (self.path, line, msg)

    @property
    def label(self):
        return "%s:%d [%s]" % (os.path.basename(self.path), self.line,
                               self.name or "format error")


_ESCAPE = re.compile(rb"\\(?:([nrt\\])|x([0-9A-Fa-f]{2})|(.|$))", re.S)


def _unescape(data):
    def sub(m):
        if m.group(1) is not None:
            return {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"\\": b"\\"}[m.group(1)]
        if m.group(2) is not None:
            return bytes([int(m.group(2), 16)])
        raise ValueError("bad escape in text-escaped (use \\n \\r \\t \\\\ \\xHH)")
    return _ESCAPE.sub(sub, data)


def _blank(s):
    return s.strip(b" \t") == b""


def _check_expect(obj, type_names):
    if not isinstance(obj, dict):
        return "an expect line must be one JSON object"
    if not isinstance(obj.get("type"), str):
        return "an expect object needs \"type\" (a string)"
    if obj["type"] not in type_names:
        return "unknown type \"%s\"" % obj["type"]
    if not isinstance(obj.get("text"), str):
        return "an expect object needs \"text\" (a string)"
    for k, v in obj.items():
        if k in ("type", "text"):
            continue
        if k in ("start", "end"):
            if not isinstance(v, int) or isinstance(v, bool) or v < 0:
                return "\"%s\" must be a non-negative integer" % k
            continue
        if k not in FIELDS:
            return "unknown field \"%s\" (not a polisi_field_name)" % k
        if isinstance(v, float):
            return "\"%s\": only integers are compared" % k
        if isinstance(v, list) and not all(isinstance(i, str) for i in v):
            return "\"%s\": a list holds strings only" % k
        if isinstance(v, dict):
            return "\"%s\": objects are not compared" % k
    return None


def parse_file(path, type_names, parse_types):
    """The cases of one file; format problems are cases with .error set."""
    with open(path, "rb") as f:
        data = f.read()
    cases = []
    st = "outside"
    c = None
    text_lines = []
    escaped = False

    def new_case(line):
        case = Case(path, line)
        cases.append(case)
        return case

    def finish(case, line):
        if case is None or case.error:
            return
        if not case.types_given:
            if not case.expect:
                case.fail(line, "empty expect section needs a \"types:\" header")
                return
            case.types = {o["type"] for _, _, o in case.expect}
        for ln, _, o in case.expect:
            if o["type"] not in case.types:
                case.fail(ln, "expect line of a type outside \"types:\"")

    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()  # the newline ending the last line
    lineno = 0
    for s in lines:
        lineno += 1
        if st == "text":
            if not s.startswith(b"--- "):
                text_lines.append(s)
                continue
            c.text = b"\n".join(text_lines)
            if escaped:
                try:
                    c.text = _unescape(c.text)
                except ValueError as err:
                    c.fail(lineno, str(err))
                    st = "skip"
                    continue
            if s == b"--- expect":
                st = "expect"
            else:
                c.fail(lineno, "expected \"--- expect\" after the text")
                st = "skip"
            continue
        structural = s.startswith(b"===") or s.startswith(b"--- ")
        if structural and s.endswith(b"\r"):
            if st in ("outside", "skip") or c is None:
                c = new_case(lineno)
            c.fail(lineno, "CR at the end of a line: the file must use LF line endings")
            st = "skip"
            continue
        if s.startswith(b"==="):
            if st == "header":
                c.fail(lineno, "case without a text section")
            elif st == "expect":
                finish(c, lineno)
            name = s[3:]
            spaced = name[:1] == b" "
            name = name.strip(b" \t")
            c = new_case(lineno)
            if not name or not spaced:
                c.fail(lineno, "a case starts with \"=== name\" (a space, then a name)")
            else:
                c.name = name.decode("utf-8", "replace")
            st = "header"
            continue
        if st == "skip" or _blank(s) or s.startswith(b"#"):
            continue
        if st == "outside":
            c = new_case(lineno)
            c.fail(lineno, "text outside a case (a case starts with \"=== name\")")
            st = "skip"
        elif st == "header":
            if s in (b"--- text", b"--- text-escaped"):
                escaped = s == b"--- text-escaped"
                st = "text"
                text_lines = []
            elif s.startswith(b"--- "):
                c.fail(lineno, "expected \"--- text\" or \"--- text-escaped\" here")
                st = "skip"
            elif s.startswith(b"ref-date:"):
                v = s[9:].strip(b" \t").decode("utf-8", "replace")
                if c.ref_date is not None:
                    c.fail(lineno, "ref-date given twice")
                elif not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", v):
                    c.fail(lineno, "ref-date must be YYYY-MM-DD")
                c.ref_date = v
            elif s.startswith(b"types:"):
                v = s[6:].strip(b" \t").decode("utf-8", "replace")
                if c.types_given:
                    c.fail(lineno, "types given twice")
                else:
                    try:
                        c.types = parse_types(v)
                    except Exception:
                        c.fail(lineno, "polisi_types_parse rejects \"%s\"" % v)
                c.types_given = True
            else:
                c.fail(lineno, "unknown header line (ref-date:, types: or --- text expected)")
            if c.error:
                st = "skip"
        elif st == "expect":
            if s.startswith(b"{"):
                raw = s.decode("utf-8", "replace")
                try:
                    obj = json.loads(s.decode("utf-8"))
                except ValueError as err:
                    c.fail(lineno, "not JSON: %s" % err)
                    st = "skip"
                    continue
                bad = _check_expect(obj, type_names)
                if bad:
                    c.fail(lineno, bad)
                    st = "skip"
                    continue
                c.expect.append((lineno, raw, obj))
            elif s.startswith(b"--- "):
                c.fail(lineno, "a case has one text and one expect section")
                st = "skip"
            else:
                c.fail(lineno, "an expect line must be a JSON object on one line")
                st = "skip"
    if st in ("header", "text"):
        c.fail(lineno, "the file ends inside a case (no \"--- expect\" section)")
    elif st == "expect":
        finish(c, lineno)
    if not cases:
        new_case(0).fail(0, "no case in the file")
    return cases


def load(spec_dir, polisi):
    """Every case of spec_dir/*.txt, in file then case order."""
    global FIELDS
    from polisi import _lib
    FIELDS = set(_lib.field_names())
    type_names = set(polisi.TYPES)

    def parse_types(v):
        mask = polisi._core.types_mask(v)
        return {n for i, n in enumerate(polisi.TYPES, 1) if mask & (1 << i)}

    cases = []
    for name in sorted(os.listdir(spec_dir)):
        path = os.path.join(spec_dir, name)
        if name.endswith(".txt") and not name.startswith(".") and len(name) > 4 \
                and os.path.isfile(path):
            cases.extend(parse_file(path, type_names, parse_types))
    return cases


def _field_matches(got, want):
    if isinstance(want, bool):
        return isinstance(got, int) and got is not None and int(got) == int(want)
    if isinstance(want, str):
        return isinstance(got, str) and got == want
    if isinstance(want, int):
        return isinstance(got, int) and got == want
    if want is None:
        return got is None or got == []
    if isinstance(want, list):
        return isinstance(got, list) and got == want
    return False


def compare(case, text, entities, byte_offset):
    """What differs between the case and the entities (a list of lines;
    empty when the case passes). `text` is the str that was extracted."""
    why = []
    for i, e in enumerate(entities):
        if text[e.start:e.end] != e.text:
            why.append("  output entity %d (%s): text is not input[%d:%d]"
                       % (i, e.type, e.start, e.end))
    got = [e for e in entities if e.type in case.types]
    for k, (line, raw, want) in enumerate(case.expect):
        if k >= len(got):
            why.append("  missing: line %d: %s" % (line, raw))
            continue
        e = got[k]
        diff = []
        if e.type != want["type"]:
            diff.append("      type: expected %s, got %s" % (want["type"], e.type))
        if e.text != want["text"]:
            diff.append("      text: expected %r, got %r" % (want["text"], e.text))
        for key, v in want.items():
            if key in ("type", "text"):
                continue
            if key in ("start", "end"):
                b = byte_offset(text, getattr(e, key))
                if b != v:
                    diff.append("      %s: expected %d, got %d (byte offset)" % (key, v, b))
                continue
            g = getattr(e, key, None)
            if not _field_matches(g, v):
                diff.append("      %s: expected %s, got %r" % (key, json.dumps(v), g))
        if diff:
            why.append("  expected: line %d: %s" % (line, raw))
            why.extend(diff)
    for e in got[len(case.expect):]:
        why.append("  unexpected %s entity: %r at %d..%d" % (e.type, e.text, e.start, e.end))
    if why:
        why.append("  output (%d entities, all types):" % len(entities))
        why.extend("    " + json.dumps(e.to_dict(), ensure_ascii=False) for e in entities)
    return why
