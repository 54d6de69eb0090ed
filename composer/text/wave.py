"""WAVE, the WebAssembly Value Encoding: component values as text, as the wasmtime CLI writes
them, for `compose run --invoke 'reverse("hello")'`.

    bool      true, false                  char     'x', '\\n', '\\u{1F600}'
    integers  42, -7                       floats   1.5, -0.25, 1e3, nan, inf, -inf
    string    "text with \\"escapes\\""       list     [1, 2, 3]
    tuple     (1, "a")                     record   {x: 1, y: 2}   (option fields may be left out)
    variant   case, case(payload)          enum     case
    option    some(x), none                result   ok, ok(x), err, err(e)
    flags     {read, write}, {}

Parsing gives an untyped tree (`Node`); converting it to a value needs the parameter's type,
which comes from the running component (wasmtime-py's types), so what is converted is what
the function really takes. Printing goes the other way.
"""

from __future__ import annotations

import math
from typing import Any

from ..errors import ComposerError
from ..record import Record


class WaveError(ComposerError):
    pass


class Node(Record):
    kind: str  # number, string, char, list, tuple, record, flags, label
    value: Any = None  # number text, str, items, (name, payload) ...
    pos: int = 0


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "\\": "\\", '"': '"', "'": "'", "0": "\0"}


class Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def error(self, message: str, pos: int | None = None) -> WaveError:
        at = self.pos if pos is None else pos
        return WaveError(f"{message} at column {at + 1} of `{self.text}`")

    def ws(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def peek(self) -> str:
        self.ws()
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def expect(self, ch: str) -> None:
        if self.peek() != ch:
            found = self.peek() or "the end"
            raise self.error(f"expected `{ch}`, found `{found}`")
        self.pos += 1

    def value(self) -> Node:
        ch = self.peek()
        start = self.pos
        if not ch:
            raise self.error("expected a value, found the end")
        if ch == '"':
            return Node("string", self.quoted('"'), start)
        if ch == "'":
            text = self.quoted("'")
            if len(text) != 1:
                raise self.error("a char holds exactly one character", start)
            return Node("char", text, start)
        if ch == "[":
            return Node("list", self.items("[", "]"), start)
        if ch == "(":
            return Node("tuple", self.items("(", ")"), start)
        if ch == "{":
            return self.braces()
        if ch in "-+" or ch.isdigit():
            return self.number()
        if ch.isalpha() or ch == "%":
            name = self.label()
            payload = None
            if self.peek() == "(":
                self.pos += 1
                payload = self.value()
                self.expect(")")
            return Node("label", (name, payload), start)
        raise self.error(f"unexpected `{ch}`")

    def items(self, open_: str, close: str) -> list[Node]:
        self.expect(open_)
        out: list[Node] = []
        while self.peek() != close:
            out.append(self.value())
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != close:
                raise self.error(f"expected `,` or `{close}`")
        self.pos += 1
        return out

    def braces(self) -> Node:
        """`{x: 1, y: 2}` is a record, `{read, write}` flags, `{}` either."""
        start = self.pos
        self.expect("{")
        fields: list[tuple[str, Node]] = []
        flags: list[str] = []
        while self.peek() != "}":
            name = self.label()
            if self.peek() == ":":
                self.pos += 1
                fields.append((name, self.value()))
            else:
                flags.append(name)
            if self.peek() == ",":
                self.pos += 1
            elif self.peek() != "}":
                raise self.error("expected `,` or `}`")
        self.pos += 1
        if fields and flags:
            raise self.error("a record field needs a `:` and a value", start)
        if flags:
            return Node("flags", flags, start)
        return Node("record", fields, start)

    def label(self) -> str:
        self.ws()
        start = self.pos
        if self.text.startswith("%", self.pos):  # %keyword escapes a label
            self.pos += 1
            start = self.pos
        while self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] == "-"):
            self.pos += 1
        if self.pos == start:
            raise self.error("expected a name")
        return self.text[start : self.pos]

    def number(self) -> Node:
        start = self.pos
        while self.pos < len(self.text) and (self.text[self.pos].isalnum() or self.text[self.pos] in "+-._"):
            self.pos += 1
        text = self.text[start : self.pos]
        if text in ("-inf", "+inf"):
            return Node("label", ("-inf" if text == "-inf" else "inf", None), start)
        return Node("number", text, start)

    def quoted(self, q: str) -> str:
        start = self.pos
        self.pos += 1
        out: list[str] = []
        text = self.text
        while True:
            if self.pos >= len(text):
                raise self.error("unterminated " + ("string" if q == '"' else "char"), start)
            ch = text[self.pos]
            self.pos += 1
            if ch == q:
                return "".join(out)
            if ch != "\\":
                out.append(ch)
                continue
            esc = text[self.pos : self.pos + 1]
            self.pos += 1
            if esc in _ESCAPES:
                out.append(_ESCAPES[esc])
            elif esc == "u" and text.startswith("{", self.pos):
                end = text.find("}", self.pos)
                if end < 0:
                    raise self.error("unterminated \\u{...} escape")
                try:
                    out.append(chr(int(text[self.pos + 1 : end], 16)))
                except ValueError:
                    raise self.error("invalid \\u{...} escape") from None
                self.pos = end + 1
            else:
                raise self.error(f"unknown escape `\\{esc}`", self.pos - 2)

    def end(self) -> None:
        if self.peek():
            raise self.error(f"unexpected `{self.peek()}` after the value")


def parse_value(text: str) -> Node:
    p = Parser(text)
    node = p.value()
    p.end()
    return node


def parse_call(text: str) -> tuple[str, list[Node]]:
    """`name(arg, ...)`: the function name (possibly `interface#func`) and its arguments."""
    text = text.strip()
    paren = text.find("(")
    if paren <= 0 or not text.endswith(")"):
        raise WaveError(f"expected `function(arguments)`, e.g. `reverse(\"hi\")`, found `{text}`")
    name = text[:paren].strip()
    p = Parser(text)
    p.pos = paren
    args = p.items("(", ")")
    p.end()
    return name, args


# -- values of wasmtime-py ------------------------------------------------------------------


_INT_RANGES = {
    "S8": (-(2**7), 2**7 - 1), "U8": (0, 2**8 - 1), "S16": (-(2**15), 2**15 - 1),
    "U16": (0, 2**16 - 1), "S32": (-(2**31), 2**31 - 1), "U32": (0, 2**32 - 1),
    "S64": (-(2**63), 2**63 - 1), "U64": (0, 2**64 - 1),
}


def type_text(ty: Any) -> str:
    """A wasmtime-py component value type as WIT writes it."""
    from wasmtime import component as c

    name = type(ty).__name__
    if name in _INT_RANGES or name in ("F32", "F64", "Bool", "Char", "String"):
        return name.lower()
    if isinstance(ty, c.ListType):
        return f"list<{type_text(ty.element)}>"
    if isinstance(ty, c.TupleType):
        return f"tuple<{', '.join(type_text(t) for t in ty.elements)}>"
    if isinstance(ty, c.OptionType):
        return f"option<{type_text(ty.payload)}>"
    if isinstance(ty, c.ResultType):
        ok = "_" if ty.ok is None else type_text(ty.ok)
        if ty.err is None:
            return "result" if ty.ok is None else f"result<{ok}>"
        return f"result<{ok}, {type_text(ty.err)}>"
    if isinstance(ty, c.RecordType):
        return "record { " + ", ".join(f"{n}: {type_text(t)}" for n, t in ty.fields) + " }"
    if isinstance(ty, c.VariantType):
        return "variant { " + ", ".join(n + (f"({type_text(t)})" if t else "") for n, t in ty.cases) + " }"
    if isinstance(ty, c.EnumType):
        return "enum { " + ", ".join(ty.names) + " }"
    if isinstance(ty, c.FlagsType):
        return "flags { " + ", ".join(ty.names) + " }"
    return name.lower().replace("type", "")


def to_value(node: Node, ty: Any) -> Any:
    """The wasmtime-py value of `node` for type `ty`, or a WaveError saying what was expected."""
    from wasmtime import component as c

    name = type(ty).__name__

    def wrong() -> WaveError:
        text = type_text(ty)
        # "an enum", "an option", "an s32", "an f64"; "a u8", "a string"
        article = "an" if text[0] in "aeio" or (text[0] in "sf" and text[1:2].isdigit()) else "a"
        return WaveError(f"expected {article} {text}, found `{to_text_of_node(node)}`")

    if name in _INT_RANGES:
        if node.kind != "number":
            raise wrong()
        try:
            v = int(node.value, 10)
        except ValueError:
            raise wrong() from None
        lo, hi = _INT_RANGES[name]
        if not lo <= v <= hi:
            raise WaveError(f"{v} is out of range for {type_text(ty)} ({lo}..{hi})")
        return v
    if name in ("F32", "F64"):
        if node.kind == "label" and node.value[0] in ("nan", "inf", "-inf") and node.value[1] is None:
            return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}[node.value[0]]
        if node.kind != "number":
            raise wrong()
        try:
            return float(node.value)
        except ValueError:
            raise wrong() from None
    if name == "Bool":
        if node.kind == "label" and node.value[0] in ("true", "false") and node.value[1] is None:
            return node.value[0] == "true"
        raise wrong()
    if name == "Char":
        if node.kind != "char":
            raise wrong()
        return node.value
    if name == "String":
        if node.kind != "string":
            raise wrong()
        return node.value
    if isinstance(ty, c.ListType):
        if node.kind != "list":
            raise wrong()
        items = [to_value(n, ty.element) for n in node.value]
        return bytes(items) if type(ty.element).__name__ == "U8" else items
    if isinstance(ty, c.TupleType):
        if node.kind != "tuple" or len(node.value) != len(ty.elements):
            raise wrong()
        return tuple(to_value(n, t) for n, t in zip(node.value, ty.elements))
    if isinstance(ty, c.RecordType):
        if node.kind != "record" and not (node.kind == "flags" and not node.value):
            raise wrong()
        given = dict(node.value) if node.kind == "record" else {}
        rec = c.Record()
        for field, fty in ty.fields:
            if field in given:
                setattr(rec, field, to_value(given.pop(field), fty))
            elif isinstance(fty, c.OptionType):
                setattr(rec, field, None)  # an option field left out is `none`
            else:
                raise WaveError(f"missing field `{field}` of {type_text(ty)}")
        if given:
            raise WaveError(f"{type_text(ty)} has no field `{next(iter(given))}`")
        return rec
    if isinstance(ty, c.EnumType):
        if node.kind != "label" or node.value[1] is not None or node.value[0] not in ty.names:
            raise wrong()
        return node.value[0]
    if isinstance(ty, c.FlagsType):
        if node.kind == "record" and not node.value:
            return set()
        if node.kind != "flags" or any(f not in ty.names for f in node.value):
            raise wrong()
        return set(node.value)
    if isinstance(ty, (c.VariantType, c.OptionType, c.ResultType)):
        if node.kind != "label":
            raise wrong()
        case, payload = node.value
        cases = dict(_cases(ty))
        if case not in cases:
            raise wrong()
        pty = cases[case]
        if (pty is None) != (payload is None):
            need = "no payload" if pty is None else f"a {type_text(pty)} payload"
            raise WaveError(f"case `{case}` of {type_text(ty)} takes {need}")
        value = None if pty is None else to_value(payload, pty)  # type: ignore[arg-type]
        if ty._tagged():  # wasmtime-py tags cases only when payloads could be confused
            return c.Variant(case, value)
        return value
    raise WaveError(f"values of type {type_text(ty)} cannot be written on the command line")


def _cases(ty: Any) -> list[tuple[str, Any]]:
    from wasmtime import component as c

    if isinstance(ty, c.OptionType):
        return [("none", None), ("some", ty.payload)]
    if isinstance(ty, c.ResultType):
        return [("ok", ty.ok), ("err", ty.err)]
    return list(ty.cases)


def to_text_of_node(node: Node) -> str:
    k, v = node.kind, node.value
    if k == "number":
        return v
    if k == "string":
        return _quote(v, '"')
    if k == "char":
        return _quote(v, "'")
    if k == "list":
        return "[" + ", ".join(map(to_text_of_node, v)) + "]"
    if k == "tuple":
        return "(" + ", ".join(map(to_text_of_node, v)) + ")"
    if k == "record":
        return "{" + ", ".join(f"{n}: {to_text_of_node(x)}" for n, x in v) + "}"
    if k == "flags":
        return "{" + ", ".join(v) + "}"
    name, payload = v
    return name if payload is None else f"{name}({to_text_of_node(payload)})"


def _quote(s: str, q: str) -> str:
    out = []
    for ch in s:
        if ch == q or ch == "\\":
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\r":
            out.append("\\r")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return q + "".join(out) + q


def to_text(value: Any, ty: Any) -> str:
    """A wasmtime-py value of type `ty` as WAVE."""
    from wasmtime import component as c

    name = type(ty).__name__
    if name in _INT_RANGES:
        return str(value)
    if name in ("F32", "F64"):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(float(value))
    if name == "Bool":
        return "true" if value else "false"
    if name == "Char":
        return _quote(value, "'")
    if name == "String":
        return _quote(value, '"')
    if isinstance(ty, c.ListType):
        return "[" + ", ".join(to_text(v, ty.element) for v in value) + "]"
    if isinstance(ty, c.TupleType):
        return "(" + ", ".join(to_text(v, t) for v, t in zip(value, ty.elements)) + ")"
    if isinstance(ty, c.RecordType):
        return "{" + ", ".join(f"{n}: {to_text(getattr(value, n), t)}" for n, t in ty.fields) + "}"
    if isinstance(ty, c.EnumType):
        return str(value)
    if isinstance(ty, c.FlagsType):
        return "{" + ", ".join(n for n in ty.names if n in value) + "}"
    if isinstance(ty, (c.VariantType, c.OptionType, c.ResultType)):
        case, payload, pty = _case_of(ty, value)
        return case if pty is None else f"{case}({to_text(payload, pty)})"
    if isinstance(ty, (c.OwnType, c.BorrowType)):
        return "<resource handle>"  # WAVE has no syntax for resources; there is nothing to show
    return repr(value)


def _case_of(ty: Any, value: Any) -> tuple[str, Any, Any]:
    """Which case a (possibly untagged) wasmtime-py variant value is."""
    from wasmtime import component as c

    cases = _cases(ty)
    if ty._tagged():
        assert isinstance(value, c.Variant)
        pty = dict(cases)[value.tag]
        return value.tag, value.payload, pty
    for case, pty in cases:
        if pty is None:
            if value is None:
                return case, None, None
            continue
        classes: set[type] = set()
        pty.add_classes(classes)
        if isinstance(value, tuple(classes)):
            return case, value, pty
    raise WaveError(f"cannot tell which case of {type_text(ty)} `{value!r}` is")
