"""names.py: interface names, semver tracks, strong uniqueness."""

import pytest

from composer.model.names import (
    InterfaceName,
    Version,
    compatibility_key,
    is_extern_name,
    newest,
    semver_compatible,
    strongly_unique_key,
)


def test_parse_interface_name():
    n = InterfaceName.parse("wasi:cli/stdout@0.2.9")
    assert n is not None
    assert (n.namespace, n.package, n.interface) == ("wasi", "cli", "stdout")
    assert n.version == Version(0, 2, 9)
    assert n.unversioned == "wasi:cli/stdout"
    assert str(n) == "wasi:cli/stdout@0.2.9"
    assert InterfaceName.parse("plain-name") is None
    assert InterfaceName.parse("example:stringoperations/operations@0.1.0").package == "stringoperations"


@pytest.mark.parametrize(
    "wanted, offered, ok",
    [
        ("wasi:io/streams@0.2.0", "wasi:io/streams@0.2.12", True),
        ("wasi:io/streams@0.2.12", "wasi:io/streams@0.2.0", False),  # older cannot serve newer
        ("wasi:io/streams@0.2.0", "wasi:io/streams@0.3.0", False),  # another 0.x track
        ("a:b/c@1.0.0", "a:b/c@1.4.1", True),
        ("a:b/c@1.2.3", "a:b/c@1.2.4", True),
        ("a:b/c@1.5.0", "a:b/c@1.4.9", False),
        ("a:b/c@1.0.0", "a:b/c@2.0.0", False),
        ("a:b/c@0.0.1", "a:b/c@0.0.2", False),  # 0.0.z matches exactly
        ("a:b/c@0.0.1", "a:b/c@0.0.1", True),
        ("a:b/c@1.0.0-rc.1", "a:b/c@1.0.0", False),  # pre-releases match exactly
        ("a:b/c@1.0.0-rc.1", "a:b/c@1.0.0-rc.2", False),
        ("a:b/c@0.2.0-rc.1", "a:b/c@0.2.0-rc.2", False),
        ("a:b/c@1.0.0", "a:b/c@1.0.0+build.5", True),  # build metadata: the same version
        ("a:b/c@1.0.0+build.5", "a:b/c@1.0.0", True),
        ("a:b/c@1.0.0", "a:b/c@1.1.0-rc.1", False),
        ("a:b/c@1.0.0", "a:b/d@1.0.0", False),  # another interface
        ("a:b/c@1.0.0", "x:b/c@1.0.0", False),
        ("a:b/c", "a:b/c@1.0.0", False),
        ("plain", "plain", True),
    ],
)
def test_semver_compatible(wanted, offered, ok):
    assert semver_compatible(wanted, offered) is ok


def test_compatibility_key_groups_one_track():
    assert compatibility_key("wasi:io/error@0.2.0") == compatibility_key("wasi:io/error@0.2.12")
    assert compatibility_key("wasi:io/error@0.2.0") != compatibility_key("wasi:io/error@0.3.0")
    assert compatibility_key("a:b/c@1.2.0") == compatibility_key("a:b/c@1.9.9")
    assert compatibility_key("plain") == "plain"


def test_newest_picks_the_highest_version():
    names = ["wasi:io/error@0.2.0", "wasi:io/error@0.2.12", "wasi:io/error@0.2.9"]
    assert newest(names) == "wasi:io/error@0.2.12"
    assert newest(["a:b/c@1.9.0", "a:b/c@1.10.0", "a:b/c@1.2.0"]) == "a:b/c@1.10.0"
    assert newest(["plain"]) == newest(["plain", "plain"]) == "plain"


def test_versions_keep_every_part():
    v = Version.parse("1.2.3-rc.1+build.7")
    assert (v.major, v.minor, v.patch, v.pre, v.build) == (1, 2, 3, "rc.1", "build.7")
    assert str(v) == "1.2.3-rc.1+build.7"
    assert str(Version.parse("0.2.0")) == "0.2.0"
    assert Version.parse("1.2") is None and Version.parse("01.2.3") is None


def test_tracks():
    assert Version.parse("1.4.1").track() == Version.parse("1.0.0").track() == (1,)
    assert Version.parse("0.2.9").track() == (0, 2) != Version.parse("0.3.0").track()
    assert Version.parse("0.0.3").track() == (0, 0, 3)
    assert Version.parse("1.0.0-rc.1").track() != Version.parse("1.0.0-rc.2").track()
    assert compatibility_key("a:b/c@0.0.3") == "a:b/c@0.0.3"
    assert compatibility_key("a:b/c@1.0.0-rc.1") == "a:b/c@1.0.0.rc.1"


@pytest.mark.parametrize(
    "a, b, clash",
    [
        ("foo", "FOO", True),
        ("foo", "[method]foo.foo", True),
        ("[static]foo.bar", "[method]foo.bar", True),
        ("foo", "[constructor]foo", False),
        ("foo-bar", "foo", False),
        ("foo:bar/baz", "foo:bar/BAZ", True),
    ],
)
def test_strong_uniqueness(a, b, clash):
    assert (strongly_unique_key(a) == strongly_unique_key(b)) is clash


@pytest.mark.parametrize(
    "name, ok",
    [
        ("foo", True), ("foo-bar", True), ("foo-1", True), ("FOO-BAR", True),
        ("Foo-BAR", False), ("foo--bar", False), ("1foo", False), ("fOo", False),
        ("[static]r.m", True), ("[method]r.m", True), ("[constructor]r", True),
        ("[async]foo", False),
        ("a:b/c", True), ("a:b/c@1.0.0", True), ("a:b/c@1.0.0-rc.1+build", True),
        ("a:b/c@1.0", False), ("a:b/c@1.0.", False), ("a:b/c@01.0.0", False),
        ("a:b/c/d", False), ("a:b:c/d", False), ("A:b/c", False), ("a:b/C", True),
        ("locked-dep=<foo:add@1.0.0>", False),
    ],
)
def test_extern_names_as_wasm_tools_validates_them(name, ok):
    assert is_extern_name(name) is ok


def test_long_names_are_checked_in_linear_time():
    # a name of many short fragments that turns out invalid at its very end: a backtracking
    # matcher takes exponential time on it, the fragment check takes one pass
    bad = "a" + "-1" * 50_000 + "!"
    assert not is_extern_name(bad) and not is_extern_name(f"a:b/{bad}")
    assert is_extern_name("a" + "-1" * 50_000)
    assert InterfaceName.parse("a:b/" + "c-" * 40_000 + "d@1.0.0") is not None
