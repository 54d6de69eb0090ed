"""composer/record.py: immutable records, compared by value (or identity), pickled whole."""

from __future__ import annotations

import pickle

import pytest

from composer.record import Record, field_


class Point(Record):
    x: int
    y: int = 0


class Box(Record, identity=True, mutable=True):
    label: str
    items: list = field_(factory=list)


def test_equal_by_value_and_never_to_other_types():
    assert Point(1, 2) == Point(1, 2) and hash(Point(1, 2)) == hash(Point(1, 2))
    assert Point(1, 2) != Point(2, 1)
    assert Point.__eq__(Point(1), (1, 0)) is NotImplemented
    assert Point(1) != (1, 0)


def test_defaults_factories_and_keywords():
    assert Point(3) == Point(x=3) == Point(3, y=0)
    a, b = Box("a"), Box("a")
    assert a.items == [] and a.items is not b.items
    assert a != b  # identity
    a.label = "c"
    assert a.label == "c"
    with pytest.raises(AttributeError, match="immutable"):
        Point(1).x = 2  # type: ignore[misc]
    with pytest.raises(TypeError, match="missing .*'x'"):
        Point(y=1)
    with pytest.raises(TypeError, match="'z'"):
        Point(1, z=2)


def test_pickled_records_keep_their_values_and_shared_objects():
    shared = Box("s", [1])
    pair = (Point(1, 2), shared, shared, [Box("t", [shared])])
    back = pickle.loads(pickle.dumps(pair))
    assert back[0] == Point(1, 2)
    assert back[1] is back[2] is back[3][0].items[0]  # one object, as before
    assert back[1].label == "s" and back[1].items == [1]
    with pytest.raises(AttributeError, match="immutable"):
        back[0].x = 5  # type: ignore[misc]


def test_each_class_gets_its_own_init_when_first_made():
    class Base(Record):
        a: int

    class Child(Base):
        b: int = 7

    assert Base(1).a == 1
    assert Child(1).b == 7 and Child(1, 2).b == 2
    assert Base.__dict__["__init__"] is not Child.__dict__["__init__"]
    with pytest.raises(TypeError):
        Base(1, 2)


class Odd(Record):
    """A field without a default after one with: no generated `__init__`, the generic one."""

    a: int = 1
    b: int


def test_the_generic_init_sets_every_field():
    assert (Odd(5, 6).a, Odd(5, 6).b) == (5, 6)
    assert (Odd(b=2).a, Odd(b=2).b) == (1, 2)
    assert (Odd(4, b=3).a, Odd(4, b=3).b) == (4, 3)
    with pytest.raises(TypeError, match="missing field 'b'"):
        Odd(4)
    with pytest.raises(TypeError, match="has no field 'c'"):
        Odd(1, 2, c=3)
    with pytest.raises(TypeError, match="takes 2 fields, got 3"):
        Odd(1, 2, 3)
