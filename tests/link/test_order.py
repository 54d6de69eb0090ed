"""`order.first_ready_order`: dependence first, then the given order; cycles left over."""

from composer.link.order import first_ready_order


def test_needs_come_first_then_the_given_order():
    order, stuck = first_ready_order(["a", "b", "c", "d"], {"a": ["c"], "b": [], "c": ["d"]})
    assert order == ["b", "d", "c", "a"] and stuck == []


def test_the_earliest_ready_is_taken_each_time():
    # once `z` is placed, `c` is ready and comes before `b`, which was ready all along but
    # is later in the given order (a queue would place `b` first)
    order, _ = first_ready_order(["c", "z", "b"], {"c": ["z"]})
    assert order == ["z", "c", "b"]


def test_a_cycle_is_left_waiting_with_what_it_holds_up():
    order, stuck = first_ready_order(["a", "b", "c", "d"], {"a": ["b"], "b": ["a"], "c": ["a"]})
    assert order == ["d"] and stuck == ["a", "b", "c"]


def test_a_need_named_twice_counts_once():
    order, stuck = first_ready_order(["a", "b"], {"a": ["b", "b"]})
    assert order == ["b", "a"] and stuck == []
