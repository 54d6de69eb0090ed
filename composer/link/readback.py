"""Reading a component's instance graph back from its bytes: where each instantiation
argument comes from (another instance's export, or an import of the component, which the host
provides), and the names its `component-name` section gives components and instances. The
report of a composed component (report/composed.py) and the capabilities analysis
(capabilities.py) read composed components through it.

The elaborator already records where every instance and function of the outer component
comes from (`indexspaces.Origin`) and which section or import each component index is; this
module only follows those origins through aliases and re-exports.
"""

from __future__ import annotations

from ..binary import sections as S
from ..binary.namesec import SECTION_NAME, ComponentNames
from ..errors import ComposerError
from ..model.indexspaces import IndexSpaces
from ..model.load import LoadedComponent

# what an argument is: ("host", import name), ("instance", n, export name or None: the
# whole instance n), or ("local",) for what the composed component defines itself
Source = tuple


def source_of(scope: IndexSpaces, sort: str, idx: int) -> Source:
    """Follow aliases and re-exports back to an instantiation or an import."""
    origins = {"instance": scope.instance_origins, "func": scope.func_origins}.get(sort)
    if origins is None or idx >= len(origins):
        return ("local",)
    origin = origins[idx]
    if origin.kind == "import":
        return ("host", origin.name)
    if origin.kind == "instantiate":
        return ("instance", idx, None)
    if origin.kind == "export" and origin.index is not None:
        return source_of(scope, sort, origin.index)
    if origin.kind == "alias" and origin.instance is not None:
        base = source_of(scope, "instance", origin.instance)
        if base[0] == "instance" and base[2] is None:
            return ("instance", base[1], origin.name)
        return base if base[0] == "host" else ("local",)
    return ("local",)


def may_instantiate_components(data: bytes) -> bool:
    """Whether a component's bytes have an instance section, read from the section headers
    alone: without one it makes no instance of a component, and need not be read whole to
    know that it is no composition (of 100,000 imports, reading it costs a second)."""
    from ..binary.component import Framing
    from ..binary.sections import INSTANCE_ID

    framing = Framing()
    framing.stops(data)  # type: ignore[arg-type]
    return INSTANCE_ID in framing.ids or framing.at < len(data)  # (unsound: read it to say why)


def instantiates_components(loaded: LoadedComponent) -> bool:
    """Whether the component makes instances of components: a composition."""
    return any(o.kind == "instantiate" for o in loaded.scope.instance_origins)


def names_section(loaded: LoadedComponent) -> ComponentNames:
    """The names of the component's `component-name` section (none without one)."""
    for section in loaded.component.sections:
        if isinstance(section, S.CustomSection) and section.name == SECTION_NAME:
            try:
                return ComponentNames.decode(section.data)
            except ComposerError:  # a damaged name section only costs the names
                return ComponentNames()
    return ComponentNames()
