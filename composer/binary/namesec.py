"""The `component-name` custom section (Binary.md, Name Section).

    namesec    ::= section_0(namedata)
    namedata   ::= n:<name> (if n = 'component-name')
                   name:<componentnamesubsec>?
                   sortnames*:<sortnamesubsec>*
    namesubsection_N(B) ::= N:<byte> size:<u32> B
    componentnamesubsec ::= namesubsection_0(<name>)
    sortnamesubsec ::= namesubsection_1(<sortnames>)
    sortnames  ::= sort:<sort> names:<namemap>
    namemap    ::= names:vec(<nameassoc>)
    nameassoc  ::= idx:<u32> name:<name>

The composer writes one so that a composed component says which embedded component and
which instance is which (`compose graph composed.wasm` reads the names back). Subsections of
an unknown id are kept as raw bytes so the section round-trips.
"""

from __future__ import annotations

from ..record import Record, field_
from .codec import NAME, U32, Production, Vec
from .reader import Reader
from .sorts import SORT
from .writer import Writer

SECTION_NAME = "component-name"
COMPONENT_NAME_ID, SORT_NAMES_ID = 0, 1


class NameAssoc(Production):
    """nameassoc ::= idx:<u32> name:<name>"""

    idx: int = field_(U32)
    name: str = field_(NAME)


class SortNames(Production):
    """sortnames ::= sort:<sort> names:<namemap>"""

    sort: str = field_(SORT)
    names: tuple[NameAssoc, ...] = field_(Vec(NameAssoc, "nameassoc", 2))


class ComponentNames(Record):
    """The payload of a `component-name` section (after its name)."""

    component: str | None = None
    sorts: tuple[SortNames, ...] = ()
    unknown: tuple[tuple[int, bytes], ...] = field_(default=())  # (subsection id, bytes)

    @classmethod
    def decode(cls, data: bytes | memoryview, base: int = 0) -> "ComponentNames":
        r = Reader(data, base=base)
        component: str | None = None
        sorts: list[SortNames] = []
        unknown: list[tuple[int, bytes]] = []
        while not r.at_end():
            sub_id = r.byte()
            body = r.sub(r.u32())
            if sub_id == COMPONENT_NAME_ID:
                component = body.name()
                body.expect_end("the component name subsection")
            elif sub_id == SORT_NAMES_ID:
                sorts.append(SortNames.read(body))  # type: ignore[arg-type]
                body.expect_end("a sort names subsection")
            else:
                unknown.append((sub_id, bytes(body.rest())))
        return cls(component, tuple(sorts), tuple(unknown))

    def encode(self) -> bytes:
        w = Writer()
        if self.component is not None:
            _subsection(w, COMPONENT_NAME_ID, lambda s: s.name(self.component or ""))
        for names in self.sorts:
            _subsection(w, SORT_NAMES_ID, names.write)
        for sub_id, body in self.unknown:
            _subsection(w, sub_id, lambda s, b=body: s.bytes(b))
        return w.getvalue()

    def names_of(self, sort: str) -> dict[int, str]:
        """idx -> name for one sort ("component", "instance", "core module", ...)."""
        out: dict[int, str] = {}
        for names in self.sorts:
            if names.sort == sort:
                out.update((a.idx, a.name) for a in names.names)
        return out

    @classmethod
    def build(cls, name: str | None, **by_sort: dict[int, str]) -> "ComponentNames":
        """From idx -> name maps keyed by sort (`core_module=` for "core module")."""
        sorts = tuple(
            SortNames(sort.replace("_", " "), tuple(NameAssoc(i, n) for i, n in sorted(names.items())))
            for sort, names in by_sort.items()
            if names
        )
        return cls(name, sorts)


def _subsection(w: Writer, sub_id: int, write_body) -> None:  # type: ignore[no-untyped-def]
    body = Writer()
    write_body(body)
    data = body.getvalue()
    w.byte(sub_id)
    w.u32(len(data))
    w.bytes(data)
