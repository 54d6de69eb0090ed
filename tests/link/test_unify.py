"""unify.py: which resources and type names are one across a composition, and where the
output names each from."""

from __future__ import annotations

from composer.model import types as T
from composer.link.unify import UnifiedBindings, Unifier, host_ident, inst_ident
from composer.model.subtype import NameBindings

EXPORT_A = ("export", "a", "t:a/a@1.0.0", "r")
EXPORT_B = ("export", "b", "t:b/b@1.0.0", "r")
HOST = ("host", "t:h/h@1.0.0", "r")


def test_union_find():
    u = Unifier()
    a, b, c, d = ("i", "x", 1), ("i", "y", 2), ("i", "z", 3), ("h", "t:h/h@1.0.0", "r")
    u.union(a, b)
    u.union(c, d)
    assert u.find(a) == u.find(b) != u.find(c) == u.find(d)
    u.union(b, d)
    assert len({u.find(x) for x in (a, b, c, d)}) == 1
    u.union(a, d)  # already one class
    assert u.find(("i", "w", 9)) == ("i", "w", 9)  # unknown identities are their own class


def test_the_first_owner_is_kept_and_a_host_import_wins():
    u = Unifier()
    a, b, h = ("i", "a", 1), ("i", "b", 2), host_ident("t:h/h@1.0.0", "r")
    u.set_owner(a, EXPORT_A)
    u.set_owner(a, EXPORT_B)
    assert u.owner(a) == EXPORT_A
    u.set_owner(b, EXPORT_B)
    u.union(a, b)  # two exports: the first class's owner stays
    assert u.owner(b) == EXPORT_A
    u.set_owner(h, HOST)
    u.union(a, h)  # a host import is preferred, whichever side it joins from
    assert u.owner(a) == u.owner(b) == HOST
    u.set_owner(a, EXPORT_B)
    assert u.owner(h) == HOST
    u.set_owner(a, ("host", "t:other/o@1.0.0", "r"))  # of two host imports, the first
    assert u.owner(h) == HOST


def test_an_owner_joins_the_class_it_is_united_with():
    u = Unifier()
    a, b = ("i", "a", 1), ("i", "b", 2)
    u.set_owner(b, EXPORT_B)
    u.union(a, b)
    assert u.owner(a) == EXPORT_B
    c, h = ("i", "c", 3), host_ident("t:h/h@1.0.0", "r")
    u.set_owner(h, HOST)
    u.set_owner(c, EXPORT_A)
    u.union(c, h)
    assert u.owner(c) == HOST


def test_resources_of_one_name_are_told_apart_by_their_owners():
    u = Unifier()
    r1, r2, r3 = T.ResourceType("r", "t:a/a"), T.ResourceType("r", "t:a/a"), T.ResourceType("r")
    u.set_owner(inst_ident("p", r1), EXPORT_A)
    u.set_owner(inst_ident("q", r2), HOST)
    b = UnifiedBindings(u, "p", "q")
    assert b.whose(r1, actual=True) == " (exported by instance a)"
    assert b.whose(r2, actual=False) == " (imported from the host as t:h/h@1.0.0)"
    assert b.whose(r3, actual=False) == " (of instance q)"
    assert not b.same(r1, r2)
    assert b.bind(r2, r1) and b.same(r1, r2)
    assert u.find(inst_ident("p", r1)) == u.find(inst_ident("q", r2))


def test_before_linking_imported_resources_compare_by_interface_and_name():
    b = NameBindings()
    a = T.ResourceType("r", "wasi:io/streams@0.2.0")
    same = T.ResourceType("r", "wasi:io/streams@0.2.9")  # another version of the interface
    other = T.ResourceType("r", "wasi:io/error@0.2.0")
    plain = T.ResourceType("r", "my-instance")
    assert b.same(a, same) and not b.same(a, other) and not b.same(a, plain)
    assert b.same(plain, T.ResourceType("r", "my-instance"))
    assert not b.same(T.ResourceType("r", None), T.ResourceType("s", None))
    assert b.same(T.ResourceType("r", None), T.ResourceType("r", None))
