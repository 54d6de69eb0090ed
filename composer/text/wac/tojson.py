"""A WAC syntax tree as JSON, in the shape of wac-parser's serde dump of its AST, so the two can
be compared: statements as `{"Import": {...}}`, other choices as `{"kind": value}` with the
kind in camelCase, spans as `{"offset", "length"}` (character offsets into the text, which are
byte offsets for ASCII text, as wac's are), identifiers as `{"string", "span"}`, string
literals as `{"value", "span"}`.
"""

from __future__ import annotations

from typing import Any

from . import tree as ast

Json = Any


def document_json(doc: ast.Document) -> dict[str, Json]:
    return {
        "docs": _docs(doc.docs),
        "directive": _directive(doc.directive),
        "statements": [_statement(s) for s in doc.statements],
    }


def _span(span: ast.Span) -> Json:
    return {"offset": span.start, "length": span.end - span.start}


def _id(id: ast.Id) -> Json:
    return {"string": id.name, "span": _span(id.span)}


def _string(s: ast.String) -> Json:
    return {"value": s.value, "span": _span(s.span)}


def _name(name: ast.Name) -> Json:
    return {"ident": _id(name)} if isinstance(name, ast.Id) else {"string": _string(name)}


def _docs(docs: ast.Docs) -> Json:
    return [{"comment": d.text, "span": _span(d.span)} for d in docs]


def _package_name(p: ast.PackageName) -> Json:
    return {"string": p.string, "name": p.name, "version": p.version, "span": _span(p.span)}


def _package_path(p: ast.PackagePath) -> Json:
    return {"span": _span(p.span), "string": p.string, "name": p.name, "segments": p.segments,
            "version": p.version}


def _directive(d: ast.PackageDirective) -> Json:
    out = {"package": _package_name(d.package)}
    if d.targets is not None:
        out["targets"] = _package_path(d.targets)
    return out


# -- statements ----------------------------------------------------------------------------


def _statement(s: ast.Statement) -> Json:
    if isinstance(s, ast.Import):
        return {"Import": {"docs": _docs(s.docs), "id": _id(s.id),
                           "name": None if s.name is None else _name(s.name),
                           "ty": _import_type(s.type)}}
    if isinstance(s, ast.Let):
        return {"Let": {"docs": _docs(s.docs), "id": _id(s.id), "expr": _expr(s.expr)}}
    if isinstance(s, ast.Export):
        return {"Export": {"docs": _docs(s.docs), "expr": _expr(s.expr),
                           "options": _export_options(s.options)}}
    return {"Type": _type_statement(s.decl)}


def _import_type(t: ast.ImportType) -> Json:
    if isinstance(t, ast.PackagePath):
        return {"package": _package_path(t)}
    if isinstance(t, ast.FuncType):
        return {"func": _func(t)}
    if isinstance(t, ast.InlineInterface):
        return {"interface": _inline_interface(t)}
    return {"ident": _id(t)}


def _export_options(o: ast.ExportSpread | ast.ExportRename | None) -> Json:
    if o is None:
        return "none"
    if isinstance(o, ast.ExportSpread):
        return {"spread": _span(o.span)}
    return {"rename": _name(o.name)}


# -- expressions ---------------------------------------------------------------------------


def _expr(e: ast.Expr) -> Json:
    return {"span": _span(e.span), "primary": _primary(e.primary),
            "postfix": [_postfix(p) for p in e.postfix]}


def _primary(p: ast.PrimaryExpr) -> Json:
    if isinstance(p, ast.New):
        args = [_argument(a) for a in p.args]
        if p.fill_span is not None:
            args.append({"fill": _span(p.fill_span)})
        return {"new": {"span": _span(p.span), "package": _package_name(p.package),
                        "arguments": args}}
    if isinstance(p, ast.Nested):
        return {"nested": {"span": _span(p.span), "inner": _expr(p.expr)}}
    return {"ident": _id(p.id)}


def _argument(a: ast.InstantiationArg) -> Json:
    if isinstance(a, ast.InferredArg):
        return {"inferred": _id(a.id)}
    if isinstance(a, ast.SpreadArg):
        return {"spread": _id(a.id)}
    return {"named": {"name": _name(a.name), "expr": _expr(a.expr)}}


def _postfix(p: ast.PostfixExpr) -> Json:
    if isinstance(p, ast.Access):
        return {"access": {"span": _span(p.span), "id": _id(p.id)}}
    return {"namedAccess": {"span": _span(p.span), "string": _string(p.string)}}


# -- type statements -----------------------------------------------------------------------


def _type_statement(d: ast.InterfaceDecl | ast.WorldDecl | ast.TypeDecl) -> Json:
    if isinstance(d, ast.InterfaceDecl):
        return {"interface": {"docs": _docs(d.docs), "id": _id(d.id),
                              "items": [_interface_item(i) for i in d.items]}}
    if isinstance(d, ast.WorldDecl):
        return {"world": {"docs": _docs(d.docs), "id": _id(d.id),
                          "items": [_world_item(i) for i in d.items]}}
    return {"type": _type_decl(d)}


def _inline_interface(i: ast.InlineInterface) -> Json:
    return {"items": [_interface_item(item) for item in i.items]}


def _interface_item(i: ast.InterfaceItem) -> Json:
    if isinstance(i, ast.Use):
        return {"use": _use(i)}
    if isinstance(i, ast.InterfaceExport):
        ty = {"func": _func(i.type)} if isinstance(i.type, ast.FuncType) else {"ident": _id(i.type)}
        return {"export": {"docs": _docs(i.docs), "id": _id(i.id), "ty": ty}}
    return {"type": _type_decl(i)}


def _use(u: ast.Use) -> Json:
    path = {"package": _package_path(u.path)} if isinstance(u.path, ast.PackagePath) \
        else {"ident": _id(u.path)}
    return {"docs": _docs(u.docs), "path": path,
            "items": [{"id": _id(i.id), "asId": None if i.as_id is None else _id(i.as_id)}
                      for i in u.items]}


def _world_item(i: ast.WorldItem) -> Json:
    if isinstance(i, ast.Use):
        return {"use": _use(i)}
    if isinstance(i, (ast.WorldImport, ast.WorldExport)):
        kind = "import" if isinstance(i, ast.WorldImport) else "export"
        return {kind: {"docs": _docs(i.docs), "path": _world_item_path(i.path)}}
    if isinstance(i, ast.WorldInclude):
        world = {"package": _package_path(i.world)} if isinstance(i.world, ast.PackagePath) \
            else {"ident": _id(i.world)}
        return {"include": {"docs": _docs(i.docs), "world": world,
                            "with": [{"from": _id(w.id), "to": _id(w.as_id)}
                                     for w in i.with_items]}}
    return {"type": _type_decl(i)}


def _world_item_path(p: ast.WorldItemPath) -> Json:
    if isinstance(p, ast.NamedWorldItem):
        if isinstance(p.type, ast.FuncType):
            ty = {"func": _func(p.type)}
        elif isinstance(p.type, ast.InlineInterface):
            ty = {"interface": _inline_interface(p.type)}
        else:
            ty = {"ident": _id(p.type)}
        return {"named": {"id": _id(p.id), "ty": ty}}
    if isinstance(p, ast.PackagePath):
        return {"package": _package_path(p)}
    return {"ident": _id(p)}


def _type_decl(d: ast.ItemTypeDecl) -> Json:
    docs = _docs(d.docs)
    if isinstance(d, ast.ResourceDecl):
        return {"resource": {"docs": docs, "id": _id(d.id),
                             "methods": [_method(m) for m in d.methods]}}
    if isinstance(d, ast.VariantDecl):
        return {"variant": {"docs": docs, "id": _id(d.id), "cases": [
            {"docs": _docs(c.docs), "id": _id(c.id),
             "ty": None if c.type is None else _type(c.type)} for c in d.cases]}}
    if isinstance(d, ast.RecordDecl):
        return {"record": {"docs": docs, "id": _id(d.id), "fields": [
            {"docs": _docs(f.docs), "id": _id(f.id), "ty": _type(f.type)} for f in d.fields]}}
    if isinstance(d, ast.FlagsDecl):
        return {"flags": {"docs": docs, "id": _id(d.id), "flags": [
            {"docs": _docs(f.docs), "id": _id(f.id)} for f in d.flags]}}
    if isinstance(d, ast.EnumDecl):
        return {"enum": {"docs": docs, "id": _id(d.id), "cases": [
            {"docs": _docs(c.docs), "id": _id(c.id)} for c in d.cases]}}
    kind = {"func": _func(d.kind)} if isinstance(d.kind, ast.FuncType) else {"type": _type(d.kind)}
    return {"alias": {"docs": docs, "id": _id(d.id), "kind": kind}}


def _method(m: ast.Constructor | ast.Method) -> Json:
    if isinstance(m, ast.Constructor):
        return {"constructor": {"docs": _docs(m.docs), "span": _span(m.span),
                                "params": [_named_type(p) for p in m.params]}}
    return {"method": {"docs": _docs(m.docs), "id": _id(m.id), "isStatic": m.is_static,
                       "ty": _func(m.type)}}


# -- functions and types -------------------------------------------------------------------


def _func(f: ast.FuncType) -> Json:
    if f.results is None:
        results: Json = "empty"
    elif isinstance(f.results, tuple):
        results = {"named": [_named_type(r) for r in f.results]}
    else:
        results = {"scalar": _type(f.results)}
    return {"params": [_named_type(p) for p in f.params], "results": results}


def _named_type(n: ast.NamedType) -> Json:
    return {"id": _id(n.id), "ty": _type(n.type)}


def _type(t: ast.TypeExpr) -> Json:
    if isinstance(t, ast.TPrim):
        return {t.name: _span(t.span)}
    if isinstance(t, ast.TName):
        return {"ident": _id(t.id)}
    if isinstance(t, ast.TTuple):
        return {"tuple": [[_type(e) for e in t.types], _span(t.span)]}
    if isinstance(t, ast.TList):
        return {"list": [_type(t.element), _span(t.span)]}
    if isinstance(t, ast.TOption):
        return {"option": [_type(t.type), _span(t.span)]}
    if isinstance(t, ast.TResult):
        return {"result": {"ok": None if t.ok is None else _type(t.ok),
                           "err": None if t.err is None else _type(t.err),
                           "span": _span(t.span)}}
    if isinstance(t, ast.THandle):
        return {"borrow": [_id(t.id), _span(t.span)]}
    raise TypeError(f"not a WAC type: {t!r}")
