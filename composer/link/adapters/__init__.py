"""Synthesized adapters: components generated in Python that export an interface and deny
every call (`component.deny_adapter`), for `--virtualize` and `compose stub`."""

from .component import DenyAdapter, deny_adapter, deny_adapters

__all__ = ["DenyAdapter", "deny_adapter", "deny_adapters", "wit_interfaces"]


def wit_interfaces(resolved: object) -> dict[str, object]:
    """Every named interface of a read WIT (`text.wit.read_wit`) by its extern name
    (`ns:pkg/iface@version`), with its instance type: what a deny adapter is made from, and
    the context where the types it uses are found."""
    out: dict[str, object] = {}
    for p in resolved.packages:  # type: ignore[attr-defined]
        version = f"@{p.name.version}" if p.name.version else ""
        for i in p.interfaces:
            if i.name and i.instance_type is not None:
                out[f"{p.name.namespace}:{p.name.name}/{i.name}{version}"] = i.instance_type
    return out
