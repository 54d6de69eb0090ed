"""A WAC syntax tree written as JSON text, straight from the tree: the very text that
`json.dumps(tojson.document_json(doc), indent=2)` gives (the shape is tojson's, which says
what each field means), without building the dicts first or walking them again to print.

`compose parse` of 100,000 statements prints 80 MB of JSON: as dicts walked by an indenting
printer that took longer than reading the document. Here each node is one f-string, given
the indentation of the line it starts on (`i`; its fields one level deeper, `j`), and a
document is written a statement at a time, so neither the dicts nor the whole text are
ever held. Strings are escaped as json.dumps escapes them (`ensure_ascii`).
"""

from __future__ import annotations

from json.encoder import encode_basestring_ascii as _str
from typing import Callable, Sequence, TypeVar

from . import tree as ast

Element = TypeVar("Element")


def write_document_json(doc: ast.Document, write: Callable[[str], object]) -> None:
    """The JSON text of `doc`, in pieces (a statement at a time), to `write`."""
    write(f'{{\n  "docs": {_docs(doc.docs, "  ")},\n'
          f'  "directive": {_directive(doc.directive, "  ")},\n  "statements": ')
    if not doc.statements:
        write("[]\n}")
        return
    sep = "[\n    "
    for s in doc.statements:
        write(sep + _statement(s, "    "))
        sep = ",\n    "
    write("\n  ]\n}")


# -- values ------------------------------------------------------------------------------------


def _list(items: Sequence[Element], i: str, item: Callable[[Element, str], str]) -> str:
    if not items:
        return "[]"
    j = i + "  "
    return f"[\n{j}" + f",\n{j}".join([item(x, j) for x in items]) + f"\n{i}]"


def _opt(value: str | None) -> str:
    return "null" if value is None else _str(value)


def _span(span: ast.Span, i: str) -> str:
    return f'{{\n{i}  "offset": {span.start},\n{i}  "length": {span.end - span.start}\n{i}}}'


def _id(id: ast.Id, i: str) -> str:
    j = i + "  "
    return f'{{\n{j}"string": {_str(id.name)},\n{j}"span": {_span(id.span, j)}\n{i}}}'


def _opt_id(id: ast.Id | None, i: str) -> str:
    return "null" if id is None else _id(id, i)


def _string(s: ast.String, i: str) -> str:
    j = i + "  "
    return f'{{\n{j}"value": {_str(s.value)},\n{j}"span": {_span(s.span, j)}\n{i}}}'


def _name(name: ast.Name, i: str) -> str:
    j = i + "  "
    if isinstance(name, ast.Id):
        return f'{{\n{j}"ident": {_id(name, j)}\n{i}}}'
    return f'{{\n{j}"string": {_string(name, j)}\n{i}}}'


def _one(key: str, value: str, i: str) -> str:
    """An object of one field whose value is already written (one level deeper than `i`)."""
    return f'{{\n{i}  "{key}": {value}\n{i}}}'


def _fields(i: str, *fields: tuple[str, str]) -> str:
    """An object of these fields, each value already written one level deeper than `i`.
    (The nodes of every statement are written out in full instead: one f-string is several
    times faster than this.)"""
    j = i + "  "
    return "{\n" + ",\n".join([f'{j}"{key}": {value}' for key, value in fields]) + f"\n{i}}}"


def _doc(d: ast.DocComment, i: str) -> str:
    j = i + "  "
    return f'{{\n{j}"comment": {_str(d.text)},\n{j}"span": {_span(d.span, j)}\n{i}}}'


def _docs(docs: ast.Docs, i: str) -> str:
    return _list(docs, i, _doc) if docs else "[]"


def _package_name(p: ast.PackageName, i: str) -> str:
    j = i + "  "
    return (f'{{\n{j}"string": {_str(p.string)},\n{j}"name": {_str(p.name)},\n'
            f'{j}"version": {_opt(p.version)},\n{j}"span": {_span(p.span, j)}\n{i}}}')


def _package_path(p: ast.PackagePath, i: str) -> str:
    j = i + "  "
    return (f'{{\n{j}"span": {_span(p.span, j)},\n{j}"string": {_str(p.string)},\n'
            f'{j}"name": {_str(p.name)},\n{j}"segments": {_str(p.segments)},\n'
            f'{j}"version": {_opt(p.version)}\n{i}}}')


def _package_or_ident(path: ast.PackagePath | ast.Id, i: str) -> str:
    if isinstance(path, ast.PackagePath):
        return _one("package", _package_path(path, i + "  "), i)
    return _one("ident", _id(path, i + "  "), i)


def _directive(d: ast.PackageDirective, i: str) -> str:
    j = i + "  "
    targets = "" if d.targets is None else f',\n{j}"targets": {_package_path(d.targets, j)}'
    return f'{{\n{j}"package": {_package_name(d.package, j)}{targets}\n{i}}}'


# -- statements --------------------------------------------------------------------------------


def _statement(s: ast.Statement, i: str) -> str:
    j = i + "  "
    k = j + "  "
    if isinstance(s, ast.Let):
        return (f'{{\n{j}"Let": {{\n{k}"docs": {_docs(s.docs, k)},\n{k}"id": {_id(s.id, k)},\n'
                f'{k}"expr": {_expr(s.expr, k)}\n{j}}}\n{i}}}')
    if isinstance(s, ast.Import):
        name = "null" if s.name is None else _name(s.name, k)
        return (f'{{\n{j}"Import": {{\n{k}"docs": {_docs(s.docs, k)},\n{k}"id": {_id(s.id, k)},\n'
                f'{k}"name": {name},\n{k}"ty": {_import_type(s.type, k)}\n{j}}}\n{i}}}')
    if isinstance(s, ast.Export):
        return (f'{{\n{j}"Export": {{\n{k}"docs": {_docs(s.docs, k)},\n'
                f'{k}"expr": {_expr(s.expr, k)},\n'
                f'{k}"options": {_export_options(s.options, k)}\n{j}}}\n{i}}}')
    return _one("Type", _type_statement(s.decl, j), i)


def _import_type(t: ast.ImportType, i: str) -> str:
    j = i + "  "
    if isinstance(t, ast.PackagePath):
        return _one("package", _package_path(t, j), i)
    if isinstance(t, ast.FuncType):
        return _one("func", _func(t, j), i)
    if isinstance(t, ast.InlineInterface):
        return _one("interface", _inline_interface(t, j), i)
    return _one("ident", _id(t, j), i)


def _export_options(o: ast.ExportSpread | ast.ExportRename | None, i: str) -> str:
    if o is None:
        return '"none"'
    if isinstance(o, ast.ExportSpread):
        return _one("spread", _span(o.span, i + "  "), i)
    return _one("rename", _name(o.name, i + "  "), i)


# -- expressions -------------------------------------------------------------------------------


def _expr(e: ast.Expr, i: str) -> str:
    j = i + "  "
    postfix = _list(e.postfix, j, _postfix) if e.postfix else "[]"
    return (f'{{\n{j}"span": {_span(e.span, j)},\n{j}"primary": {_primary(e.primary, j)},\n'
            f'{j}"postfix": {postfix}\n{i}}}')


def _primary(p: ast.PrimaryExpr, i: str) -> str:
    j = i + "  "
    k = j + "  "
    if isinstance(p, ast.New):
        return (f'{{\n{j}"new": {{\n{k}"span": {_span(p.span, k)},\n'
                f'{k}"package": {_package_name(p.package, k)},\n'
                f'{k}"arguments": {_arguments(p, k)}\n{j}}}\n{i}}}')
    if isinstance(p, ast.Nested):
        return _one("nested", _fields(j, ("span", _span(p.span, k)), ("inner", _expr(p.expr, k))),
                    i)
    return _one("ident", _id(p.id, j), i)


def _arguments(p: ast.New, i: str) -> str:
    if p.fill_span is None:
        return _list(p.args, i, _argument) if p.args else "[]"
    j = i + "  "
    fill = _one("fill", _span(p.fill_span, j + "  "), j)
    return f"[\n{j}" + f",\n{j}".join([*(_argument(a, j) for a in p.args), fill]) + f"\n{i}]"


def _argument(a: ast.InstantiationArg, i: str) -> str:
    j = i + "  "
    if isinstance(a, ast.InferredArg):
        return _one("inferred", _id(a.id, j), i)
    if isinstance(a, ast.SpreadArg):
        return _one("spread", _id(a.id, j), i)
    k = j + "  "
    return _one("named", _fields(j, ("name", _name(a.name, k)), ("expr", _expr(a.expr, k))), i)


def _postfix(p: ast.PostfixExpr, i: str) -> str:
    j = i + "  "
    k = j + "  "
    if isinstance(p, ast.Access):
        return _one("access", _fields(j, ("span", _span(p.span, k)), ("id", _id(p.id, k))), i)
    return _one("namedAccess", _fields(j, ("span", _span(p.span, k)),
                                       ("string", _string(p.string, k))), i)


# -- type statements ---------------------------------------------------------------------------


def _docs_id(kind: str, docs: ast.Docs, id: ast.Id, rest: str, i: str) -> str:
    """`{kind: {"docs", "id", ...rest}}` (rest already written two levels deeper than `i`,
    each field after `,\\n` and its indentation)."""
    j = i + "  "
    k = j + "  "
    return (f'{{\n{j}"{kind}": {{\n{k}"docs": {_docs(docs, k)},\n{k}"id": {_id(id, k)}'
            f'{rest}\n{j}}}\n{i}}}')


def _type_statement(d: ast.InterfaceDecl | ast.WorldDecl | ast.TypeDecl, i: str) -> str:
    k = i + "    "
    if isinstance(d, ast.InterfaceDecl):
        return _docs_id("interface", d.docs, d.id,
                        f',\n{k}"items": {_list(d.items, k, _interface_item)}', i)
    if isinstance(d, ast.WorldDecl):
        return _docs_id("world", d.docs, d.id,
                        f',\n{k}"items": {_list(d.items, k, _world_item)}', i)
    return _one("type", _type_decl(d, i + "  "), i)


def _inline_interface(t: ast.InlineInterface, i: str) -> str:
    return _one("items", _list(t.items, i + "  ", _interface_item), i)


def _interface_item(item: ast.InterfaceItem, i: str) -> str:
    j = i + "  "
    if isinstance(item, ast.Use):
        return _one("use", _use(item, j), i)
    if isinstance(item, ast.InterfaceExport):
        k = j + "  "
        ty = (_one("func", _func(item.type, k + "  "), k) if isinstance(item.type, ast.FuncType)
              else _one("ident", _id(item.type, k + "  "), k))
        return _docs_id("export", item.docs, item.id, f',\n{k}"ty": {ty}', i)
    return _one("type", _type_decl(item, j), i)


def _use_item(u: ast.UseItem, i: str) -> str:
    j = i + "  "
    return _fields(i, ("id", _id(u.id, j)), ("asId", _opt_id(u.as_id, j)))


def _use(u: ast.Use, i: str) -> str:
    j = i + "  "
    return _fields(i, ("docs", _docs(u.docs, j)), ("path", _package_or_ident(u.path, j)),
                   ("items", _list(u.items, j, _use_item)))


def _include_item(w: ast.WorldIncludeItem, i: str) -> str:
    j = i + "  "
    return _fields(i, ("from", _id(w.id, j)), ("to", _id(w.as_id, j)))


def _world_item(item: ast.WorldItem, i: str) -> str:
    j = i + "  "
    k = j + "  "
    if isinstance(item, ast.Use):
        return _one("use", _use(item, j), i)
    if isinstance(item, (ast.WorldImport, ast.WorldExport)):
        kind = "import" if isinstance(item, ast.WorldImport) else "export"
        return _one(kind, _fields(j, ("docs", _docs(item.docs, k)),
                                  ("path", _world_item_path(item.path, k))), i)
    if isinstance(item, ast.WorldInclude):
        return _one("include", _fields(j, ("docs", _docs(item.docs, k)),
                                       ("world", _package_or_ident(item.world, k)),
                                       ("with", _list(item.with_items, k, _include_item))), i)
    return _one("type", _type_decl(item, j), i)


def _world_item_path(p: ast.WorldItemPath, i: str) -> str:
    j = i + "  "
    k = j + "  "
    if isinstance(p, ast.NamedWorldItem):
        m = k + "  "
        if isinstance(p.type, ast.FuncType):
            ty = _one("func", _func(p.type, m), k)
        elif isinstance(p.type, ast.InlineInterface):
            ty = _one("interface", _inline_interface(p.type, m), k)
        else:
            ty = _one("ident", _id(p.type, m), k)
        return _one("named", _fields(j, ("id", _id(p.id, k)), ("ty", ty)), i)
    if isinstance(p, ast.PackagePath):
        return _one("package", _package_path(p, j), i)
    return _one("ident", _id(p, j), i)


def _case(c: ast.VariantCase | ast.Field, i: str) -> str:
    """A variant's case or a record's field."""
    j = i + "  "
    ty = "null" if c.type is None else _type(c.type, j)
    return _fields(i, ("docs", _docs(c.docs, j)), ("id", _id(c.id, j)), ("ty", ty))


def _flag(f: ast.Flag | ast.EnumCase, i: str) -> str:
    j = i + "  "
    return _fields(i, ("docs", _docs(f.docs, j)), ("id", _id(f.id, j)))


def _type_decl(d: ast.ItemTypeDecl, i: str) -> str:
    k = i + "    "
    if isinstance(d, ast.ResourceDecl):
        rest = f',\n{k}"methods": {_list(d.methods, k, _method)}'
        return _docs_id("resource", d.docs, d.id, rest, i)
    if isinstance(d, ast.VariantDecl):
        return _docs_id("variant", d.docs, d.id, f',\n{k}"cases": {_list(d.cases, k, _case)}', i)
    if isinstance(d, ast.RecordDecl):
        return _docs_id("record", d.docs, d.id, f',\n{k}"fields": {_list(d.fields, k, _case)}',
                        i)
    if isinstance(d, ast.FlagsDecl):
        return _docs_id("flags", d.docs, d.id, f',\n{k}"flags": {_list(d.flags, k, _flag)}', i)
    if isinstance(d, ast.EnumDecl):
        return _docs_id("enum", d.docs, d.id, f',\n{k}"cases": {_list(d.cases, k, _flag)}', i)
    kind = (_one("func", _func(d.kind, k + "  "), k) if isinstance(d.kind, ast.FuncType)
            else _one("type", _type(d.kind, k + "  "), k))
    return _docs_id("alias", d.docs, d.id, f',\n{k}"kind": {kind}', i)


def _method(m: ast.Constructor | ast.Method, i: str) -> str:
    j = i + "  "
    k = j + "  "
    if isinstance(m, ast.Constructor):
        return _one("constructor", _fields(j, ("docs", _docs(m.docs, k)), ("span", _span(m.span, k)),
                                           ("params", _list(m.params, k, _named_type))), i)
    static = "true" if m.is_static else "false"
    return _docs_id("method", m.docs, m.id,
                    f',\n{k}"isStatic": {static},\n{k}"ty": {_func(m.type, k)}', i)


# -- functions and types -----------------------------------------------------------------------


def _func(f: ast.FuncType, i: str) -> str:
    j = i + "  "
    if f.results is None:
        results = '"empty"'
    elif isinstance(f.results, tuple):
        results = _one("named", _list(f.results, j + "  ", _named_type), j)
    else:
        results = _one("scalar", _type(f.results, j + "  "), j)
    return _fields(i, ("params", _list(f.params, j, _named_type)), ("results", results))


def _named_type(n: ast.NamedType, i: str) -> str:
    j = i + "  "
    return _fields(i, ("id", _id(n.id, j)), ("ty", _type(n.type, j)))


def _pair(first: str, span: ast.Span, i: str) -> str:
    """`[first, span]` (first already written one level deeper than `i`)."""
    j = i + "  "
    return f"[\n{j}{first},\n{j}{_span(span, j)}\n{i}]"


def _type(t: ast.TypeExpr, i: str) -> str:
    j = i + "  "
    k = j + "  "
    if isinstance(t, ast.TPrim):
        return _one(t.name, _span(t.span, j), i)
    if isinstance(t, ast.TName):
        return _one("ident", _id(t.id, j), i)
    if isinstance(t, ast.TTuple):
        return _one("tuple", _pair(_list(t.types, k, _type), t.span, j), i)
    if isinstance(t, ast.TList):
        return _one("list", _pair(_type(t.element, k), t.span, j), i)
    if isinstance(t, ast.TOption):
        return _one("option", _pair(_type(t.type, k), t.span, j), i)
    if isinstance(t, ast.TResult):
        ok = "null" if t.ok is None else _type(t.ok, k)
        err = "null" if t.err is None else _type(t.err, k)
        return _one("result", _fields(j, ("ok", ok), ("err", err), ("span", _span(t.span, k))), i)
    if isinstance(t, ast.THandle):
        return _one("borrow", _pair(_id(t.id, k), t.span, j), i)
    raise TypeError(f"not a WAC type: {t!r}")
