"""subtype.py: acceptance rules and the path to the first mismatch."""

from composer.model import types as T
from composer.model.subtype import Bindings, check_extern, check_func, check_type

U32, U64, STR = T.PRIMS["u32"], T.PRIMS["u64"], T.PRIMS["string"]


def func(params=(), result=None):
    return T.FuncType(tuple(params), result)


def instance(**exports):
    return T.InstanceType({k.replace("_", "-"): v for k, v in exports.items()})


def test_instance_with_more_exports_is_a_subtype():
    expected = instance(word_count=func([("s", STR)], U32))
    actual = instance(word_count=func([("s", STR)], U32), reverse=func([("s", STR)], STR))
    assert check_extern(actual, expected, Bindings()) is None
    assert str(check_extern(expected, actual, Bindings())) == "missing func reverse"


def test_mismatch_names_the_function_and_the_result():
    expected = instance(word_count=func([("s", STR)], U32))
    actual = instance(word_count=func([("s", STR)], U64))
    assert str(check_extern(actual, expected, Bindings())) == "func word-count: result: expected u32, found u64"


def test_param_name_and_arity():
    assert "expected parameter `s`, found `t`" in str(
        check_func(func([("t", STR)]), func([("s", STR)]), Bindings())
    )
    assert "expected 1 parameters (s), found 0" in str(check_func(func(), func([("s", STR)]), Bindings()))


def test_record_field_path():
    point = T.NamedType("point", T.RecordType((("x", U32), ("y", U32))))
    other = T.NamedType("point", T.RecordType((("x", U32), ("y", STR))))
    mismatch = check_type(other, point, Bindings())
    assert str(mismatch) == "field y: expected u32, found string"
    renamed = T.RecordType((("x", U32), ("z", U32)))
    assert "expected fields (x, y), found (x, z)" in str(check_type(renamed, point, Bindings()))


def test_names_are_transparent():
    a = T.NamedType("duration", U64)
    assert check_type(a, U64, Bindings()) is None
    assert check_type(T.ListType(a), T.ListType(U64), Bindings()) is None


def test_variant_option_result_tuple_list():
    v1 = T.VariantType((("a", None), ("b", U32)))
    v2 = T.VariantType((("a", None), ("b", None)))
    assert str(check_type(v1, v2, Bindings())) == "case b: expected none, found u32"
    assert check_type(T.ResultType(U32, None), T.ResultType(U32, STR), Bindings()) is not None
    assert str(check_type(T.OptionType(STR), T.OptionType(U32), Bindings())) == "option: expected u32, found string"
    assert "tuple element 1" in str(check_type(T.TupleType((U32, U32)), T.TupleType((U32, STR)), Bindings()))
    assert check_type(T.ListType(U32, 4), T.ListType(U32), Bindings()) is not None
    assert check_type(T.EnumType(("a", "b")), T.EnumType(("a", "b")), Bindings()) is None
    assert check_type(T.FlagsType(("a",)), T.FlagsType(("b",)), Bindings()) is not None


def test_resources_are_identities_bound_by_declaration():
    # expected instance declares `r` and a function taking own<r>
    r_expected = T.ResourceType("r")
    expected = T.InstanceType({"r": r_expected, "use": func([("x", T.OwnType(r_expected))])})
    r_actual = T.ResourceType("r")
    actual = T.InstanceType({"r": r_actual, "use": func([("x", T.OwnType(r_actual))])})
    bindings = Bindings()
    assert check_extern(actual, expected, bindings) is None
    assert bindings.map[r_expected] is r_actual
    # the function uses another resource than the one exported as `r`
    r_other = T.ResourceType("other")
    wrong = T.InstanceType({"r": r_actual, "use": func([("x", T.OwnType(r_other))])})
    mismatch = check_extern(wrong, expected, Bindings())
    assert str(mismatch).startswith("func use: param x: expected resource r")


def test_own_and_borrow_differ():
    r = T.ResourceType("r")
    assert check_type(T.BorrowType(r), T.OwnType(r), Bindings()) is not None


def test_component_imports_are_contravariant():
    f = func()
    wants_more = T.ComponentType({"a": f, "b": f}, {"x": f})
    wants_less = T.ComponentType({"a": f}, {"x": f, "y": f})
    expected = T.ComponentType({"a": f}, {"x": f})
    assert check_extern(wants_less, expected, Bindings()) is None
    assert "import `b`" in str(check_extern(wants_more, expected, Bindings()))


def test_sort_mismatch():
    assert str(check_extern(func(), instance(), Bindings())) == "expected instance, found func"


def test_label_order_matters():
    xy = T.RecordType((("x", U32), ("y", STR)))
    yx = T.RecordType((("y", STR), ("x", U32)))
    assert str(check_type(yx, xy, Bindings())) == "expected fields (x, y), found (y, x)"
    ab = T.VariantType((("a", U32), ("b", None)))
    ba = T.VariantType((("b", None), ("a", U32)))
    assert str(check_type(ba, ab, Bindings())) == "expected cases (a, b), found (b, a)"
    for kind in (T.EnumType, T.FlagsType):
        word = kind.__name__.removesuffix("Type").lower()
        assert str(check_type(kind(("b", "a")), kind(("a", "b")), Bindings())) == (
            f"expected {word} {{ a, b }}, found {word} {{ b, a }}"
        )
    assert str(check_type(T.TupleType((STR, U32)), T.TupleType((U32, STR)), Bindings())) == (
        "tuple element 0: expected u32, found string"
    )


def test_alike_names_are_shown_with_what_they_stand_for():
    mine = T.NamedType("t", T.EnumType(("a",)))
    theirs = T.NamedType("t", T.FlagsType(("a",)))
    assert str(check_type(theirs, mine, Bindings())) == "expected enum { a }, found flags { a }"
    other = T.NamedType("u", T.FlagsType(("a",)))
    assert str(check_type(other, mine, Bindings())) == "expected t, found u"


def test_two_resources_of_one_name_are_told_apart_by_the_bindings():
    class Whose(Bindings):
        def whose(self, r, actual):
            return " (actual)" if actual else " (expected)"

    one, two = T.ResourceType("r", "a:b/c"), T.ResourceType("r", "a:b/c")
    assert str(check_type(T.OwnType(two), T.OwnType(one), Whose())) == (
        "expected resource r of a:b/c (expected), found resource r of a:b/c (actual)"
    )
    other = T.ResourceType("s", "a:b/c")
    assert str(check_type(other, one, Whose())) == "expected resource r of a:b/c, found resource s of a:b/c"


def test_a_resource_is_expected():
    r = T.ResourceType("r")
    assert str(check_extern(func(), r, Bindings())) == "expected a resource, found func"
    assert str(check_extern(U32, r, Bindings())) == "expected a resource, found type u32"
    assert check_extern(T.NamedType("alias", r), r, Bindings()) is None  # a name for a resource
    assert str(check_type(U32, r, Bindings())) == "expected resource r, found u32"


def test_a_declared_resource_binds_once():
    r = T.ResourceType("r")
    expected = T.InstanceType({"a": r, "b": r})  # one resource exported under two names
    x, y = T.ResourceType("x"), T.ResourceType("y")
    assert check_extern(T.InstanceType({"a": x, "b": x}), expected, Bindings()) is None
    assert str(check_extern(T.InstanceType({"a": x, "b": y}), expected, Bindings())) == (
        "type b: expected resource r, found a different resource y")


def test_a_named_type_is_expected():
    t = T.NamedType("t", U32)
    assert str(check_extern(func(), t, Bindings())) == "expected type t, found func"
    assert check_extern(U32, t, Bindings()) is None
    assert str(check_extern(U64, t, Bindings())) == "expected u32, found u64"


def test_values():
    assert check_extern(T.ValueExtern(U32), T.ValueExtern(U32), Bindings()) is None
    assert str(check_extern(T.ValueExtern(STR), T.ValueExtern(U32), Bindings())) == (
        "expected u32, found string")


def test_components_compare_imports_and_exports_with_paths():
    f, g = func(), func([("x", U32)])
    expected = T.ComponentType({"a": f}, {"x": f})
    assert str(check_extern(T.ComponentType({"a": g}, {"x": f}), expected, Bindings())) == (
        "import a: expected 1 parameters (x), found 0")
    assert str(check_extern(T.ComponentType({}, {}), expected, Bindings())) == "missing export x"
    assert str(check_extern(T.ComponentType({}, {"x": g}), expected, Bindings())) == (
        "export x: expected 0 parameters (none), found 1")


def test_core_modules_compare_by_names_and_kinds():
    fn = T.CoreFunc(("i32",), ())
    expected = T.CoreModuleType({("env", "f"): fn}, {"run": fn, "memory": "memory"})
    fits = T.CoreModuleType({}, {"run": fn, "memory": "memory", "extra": "global"})
    assert check_extern(fits, expected, Bindings()) is None
    more = T.CoreModuleType({("env", "g"): fn}, {"run": fn, "memory": "memory"})
    assert str(check_extern(more, expected, Bindings())) == (
        "core module imports env::g, which the expected type lacks")
    less = T.CoreModuleType({}, {"run": fn})
    assert str(check_extern(less, expected, Bindings())) == "core module is missing export memory"
    other = T.CoreModuleType({}, {"run": "memory", "memory": "memory"})
    assert str(check_extern(other, expected, Bindings())) == (
        "core export run: expected func, found memory")


def test_functions():
    sync, fut = func([("x", U32)], U32), T.FuncType((("x", U32),), U32, True)
    assert str(check_func(fut, sync, Bindings())) == "expected a synchronous function"
    assert str(check_func(sync, fut, Bindings())) == "expected an async function"
    assert str(check_func(func([("x", U64)], U32), sync, Bindings())) == (
        "param x: expected u32, found u64")
    assert str(check_func(func([("x", U32)]), sync, Bindings())) == (
        "result: expected u32, found no result")
    assert str(check_func(sync, func([("x", U32)]), Bindings())) == (
        "result: expected no result, found u32")


def test_every_compound_value_type_compares_its_parts():
    b = Bindings()
    r = T.ResourceType("r")
    assert str(check_type(T.MapType(STR, U32), T.MapType(U32, U32), b)) == (
        "map key: expected u32, found string")
    assert str(check_type(T.MapType(U32, STR), T.MapType(U32, U32), b)) == (
        "map value: expected u32, found string")
    assert check_type(T.MapType(U32, U32), T.MapType(U32, U32), b) is None
    assert str(check_type(T.StreamType(U32), T.StreamType(U64), b)) == (
        "element: expected u64, found u32")
    assert str(check_type(T.FutureType(None), T.FutureType(U32), b)) == (
        "element: expected u32, found none")
    assert str(check_type(T.ResultType(U32, U64), T.ResultType(U32, U32), b)) == (
        "error: expected u32, found u64")
    assert str(check_type(T.ResultType(None, None), T.ResultType(U32, None), b)) == (
        "ok: expected u32, found none")
    assert str(check_type(T.ListType(U32, 4), T.ListType(U32, 5), b)) == (
        "expected list<u32, 5>, found list<u32, 4>")
    assert str(check_type(T.TupleType((U32,)), T.TupleType((U32, U32)), b)) == (
        "expected tuple<u32, u32>, found tuple<u32>")
    assert str(check_type(T.BorrowType(T.ResourceType("s")), T.BorrowType(r), b)) == (
        "expected resource r, found resource s")
    assert check_type(T.OwnType(T.NamedType("alias", r)), T.OwnType(r), b) is None
    assert str(check_type(func([("x", U64)]), func([("x", U32)]), b)) == (
        "param x: expected u32, found u64")
    assert str(check_type(instance(), instance(f=func()), b)) == "missing func f"
    assert str(check_type(T.PRIMS["s8"], T.PRIMS["u8"], b)) == "expected u8, found s8"
    assert str(check_type(T.OptionType(U32), T.ListType(U32), b)) == (
        "expected list<u32>, found option<u32>")
