"""A WAC document resolved into a composition graph: its imports with their types, the
instances of packages it creates with their arguments, the exports, checked as wac checks
them, every error at its place in the document (message, FILE:LINE:COL, caret).

The graph is the one `-d` compositions build (`composition.CompositionGraph`), built through
the same API as the document is read, without a root: the document declares the output's
imports (`declare_import`), instantiates packages (`instantiate`; each argument checked by
`set_argument` where it is given) and says what the output exports (`export`). Linking,
merging what is left for the host, encoding and validating are shared with them.

Statements are taken in order, as wac does: a name is defined before it is used.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import NamedTuple

from ..errors import ComposerError
from ..model import types as T
from ..model.limits import MAX_INSTANCES, MAX_MODULES_AND_COMPONENTS, MAX_TYPE_SIZE
from ..model.names import is_extern_name, is_label, strongly_unique_key
from ..model.subtype import NameBindings, check_extern
from ..diagnostics import LoadingError
from ..text.wac import tree as ast
from ..text.wac.declarations import CompositionPart as Node, Item, TypeDeclarations, err, line_of
from .composition import CompositionGraph, Source
from .linked import LinkedComposition
from .packages import Package, load_package, not_found_locally, package_key, package_path
from .reasons import WAC
from .wiring import DOCUMENT, ComponentFile, DeclaredImport, Instance, Problem, TypeDefinition


class New(NamedTuple):
    """An instance the document makes (`new`): its node, the package, the arguments given
    (name -> item and where), whether the rest are imported (`...`), the graph's instance,
    and the first argument that cannot be passed (told when the document is read through,
    as the arguments are converted in wac's order)."""

    node: Node
    package: Package
    args: dict[str, tuple[Item, ast.Span]]
    fill: bool
    instance: Instance
    unpassable: tuple[Item, ast.Span] | None


class WacResolver(TypeDeclarations):
    def __init__(self, doc: ast.Document, deps_dir: Path, overrides: dict[str, Path],
                 validate: bool, import_dependencies: bool) -> None:
        super().__init__()
        self.doc = doc
        self.import_dependencies = import_dependencies
        self.deps_dir = deps_dir
        self.overrides = overrides
        self.validate = validate
        self.packages: dict[str, Package] = {}
        self.files_read: list[Path] = []
        # the composition
        self.graph = CompositionGraph()
        self.components: dict[str, ComponentFile] = {}  # package key -> the graph's component
        self.imports: dict[str, tuple[Node, Item]] = {}  # import name -> its node and item
        self.declared: dict[str, DeclaredImport] = {}  # import name -> the graph's import
        self.instances: list[New] = []
        self.exports: dict[str, tuple[object, ast.Span]] = {}  # name -> (Item or TypeDefinition)
        self.definitions: set[str] = set()
        # the output's import and export names, under the component model's rules for them
        self.import_names, self.export_names = self.names(), self.names()
        # what the output will hold, against wasmparser's limits (checked at each `new`)
        self.tree_size = 1  # core modules and components, the output itself included
        self.entity_size = 1  # the imports' and exports' types, summed (wasmparser's limit)
        self.instance_imports = 0  # imports of the document that are instances
        self.embedded: set[str] = set()  # the packages instantiated, by key
        self.component_imports: dict[str, str] = {}  # --import-dependencies: name key -> package
        # a definition exported again under another name is exported under that name only
        # (wac's graph keeps one export name per node, the last given): the name each
        # definition is exported under now, and the names given up, still taken
        self.definition_export: dict[str, str] = {}
        self.given_up: dict[str, ast.Span] = {}
        self.instance_names: set[str] = set()

    # -- packages --------------------------------------------------------------------------------

    def package(self, name: str, version: str | None, span: ast.Span) -> Package:
        key = package_key(name, version)
        found = self.packages.get(key)
        if found is not None:
            return found
        try:
            path = package_path(name, version, self.deps_dir, self.overrides)
        except OSError as exc:  # a name the file system cannot look up (ENAMETOOLONG, ...)
            limit = (" (a file system takes names of at most 255 bytes)"
                     if exc.errno == errno.ENAMETOOLONG else "")
            raise err(f"package `{name}` cannot be looked for in {self.deps_dir}: "
                      f"{exc.strerror}{limit}", span) from None
        if path is None:
            raise err(f"unknown package `{name}`: "
                      f"{not_found_locally(name, version, self.deps_dir)}", span)
        try:
            pkg = load_package(name, version, path, self.validate)
        except ComposerError as exc:
            if "\n" in str(exc):  # a located error, with its line and caret: shown as it is
                raise LoadingError(f"failed to parse package `{name}`:", span.source,
                                   span.start, exc) from None
            raise err(f"failed to parse package `{name}`: {exc}", span) from None
        self.files_read.append(path)
        self.packages[key] = pkg
        return pkg

    def package_path(self, path: ast.PackagePath) -> Item:
        """What `ns:pkg/a/b@v` names: a definition of a package (an interface or world), or
        an export of one; a path into the document's own package names its items."""
        segments = path.segment_spans()
        if path.name == self.doc.directive.package.name:
            return self._local_path(segments)
        pkg = self.package(path.name, path.version, path.name_span())
        first, span = segments[0]
        found = pkg.definitions.get(first)
        if found is None:
            raise err(f"package `{path.name}` has no export named `{first}`", span)
        iid, t = found
        item = Item("type", t, "interface" if isinstance(t, T.InstanceType) else "world", id=iid)
        where = first
        for segment, span in segments[1:]:
            exports = getattr(item.type, "exports", None)
            ext = None if exports is None else exports.get(segment)
            if ext is None:
                raise err(f"{item.describe()} `{where}` in package `{path.name}` has no export "
                          f"named `{segment}`", span)
            item, where = _item_of(ext), f"{where}/{segment}"
        return item

    def _local_path(self, segments: tuple[tuple[str, ast.Span], ...]) -> Item:
        name, span = segments[0]
        item = self.root_item(ast.Id(name, span))
        for segment, sspan in segments[1:]:
            exports = getattr(item.type, "exports", None)
            if item.sort not in ("type", "instance", "component") or exports is None:
                raise err(f"`{name}` ({item.describe()}) has no export named `{segment}`", sspan)
            ext = exports.get(segment)
            if ext is None:
                raise err(f"`{name}` ({item.describe()}) has no export named `{segment}`", sspan)
            item, name = _item_of(ext), segment
        return item

    # -- statements ------------------------------------------------------------------------------

    def resolve(self) -> None:
        for stmt in self.doc.statements:
            if isinstance(stmt, ast.Import):
                self.import_statement(stmt)
            elif isinstance(stmt, ast.TypeStatement):
                self.type_statement(stmt)
            elif isinstance(stmt, ast.Let):
                self.register(stmt.id, self.expr(stmt.expr, stmt.id.name))
            else:
                self.export_statement(stmt)
        if self.doc.directive.targets is not None:
            self.check_targets(self.doc.directive.targets)
        self.raise_problems()

    def import_statement(self, stmt: ast.Import) -> None:
        t = stmt.type
        if isinstance(t, ast.PackagePath):
            item = self.package_path(t).promoted()
        elif isinstance(t, ast.FuncType):
            item = Item("func", self.func_type(t))
        elif isinstance(t, ast.InlineInterface):
            item = self.inline_interface(t)
        else:
            item = self.local(t).promoted()
        if stmt.name is not None:
            name = stmt.name.name if isinstance(stmt.name, ast.Id) else stmt.name.value
            span = stmt.name.span
        elif isinstance(t, ast.PackagePath):
            name, span = t.string, t.span
        elif item.id is not None and item.sort in ("instance", "component"):
            name, span = item.id, stmt.id.span
        else:
            name, span = stmt.id.name, stmt.id.span
        if item.sort == "type":
            raise err(f"`{stmt.id.name}`: {item.with_article()} cannot be imported", span)
        if isinstance(t, (ast.PackagePath, ast.Id)):  # declared elsewhere, imported here
            self.check_nesting(item.type, t.span)
        if not is_extern_name(name):
            raise err(f"import name `{name}` is not valid", span)
        prev = self.imports.get(name)
        if prev is not None:
            raise err(f"duplicate import `{name}` (first at line "
                      f"{line_of(prev[0].span)})", span)
        self.import_names.claim(name, span)
        self._entity(item.type, span)
        node = Node("import", name, span=span)
        item = Item(item.sort, item.type, None, node, item.id)
        self.declared[name] = self.graph.declare_import(name, item.type)
        self.instance_imports += item.sort == "instance"
        self.imports[name] = (node, item)
        self.register(stmt.id, item)

    def type_statement(self, stmt: ast.TypeStatement) -> None:
        decl = stmt.decl
        if isinstance(decl, ast.InterfaceDecl):
            item = self.interface_decl(decl)
        elif isinstance(decl, ast.WorldDecl):
            item = self.world_decl(decl)
        else:
            item = self.type_decl(decl, None, register=False)
        name = decl.id.name
        if name in self.exports:
            raise err(f"type declaration `{name}` conflicts with a previous export of the "
                      "same name", decl.id.span)
        item = Item(item.sort, item.type, item.tsort, Node("definition", name, span=decl.id.span),
                    item.id)
        self.export_names.claim(name, decl.id.span)
        self._entity(item.type, decl.id.span)
        self.definitions.add(name)
        self.definition_export[name] = name
        self.exports[name] = (self.graph.define_type(item.type), decl.id.span)
        self.register(decl.id, item)

    def export_statement(self, stmt: ast.Export) -> None:
        item = self.expr(stmt.expr, None)
        opts = stmt.options
        if isinstance(opts, ast.ExportSpread):
            if item.sort != "instance":
                raise err(f"an instance is required to perform a spread operation (this is "
                          f"{item.with_article()})", stmt.expr.span)
            added = False
            for name, ext in item.type.exports.items():  # type: ignore[attr-defined]
                if name in self.exports:
                    continue
                self._export(name, self._alias_export(item, name, ext), opts.span, hint=False)
                added = True
            if not added:
                raise err("instance has no exports or all exports of the instance match "
                          "previously exported names", stmt.expr.span)
            return
        if isinstance(opts, ast.ExportRename):
            n = opts.name
            self._export(n.name if isinstance(n, ast.Id) else n.value, item, n.span, hint=False)
            return
        name = self._export_name(item)
        if name is None:
            raise err("export statement requires an `as` clause as the export name cannot be "
                      "inferred", stmt.expr.span)
        self._export(name, item, stmt.expr.span, hint=True)

    @staticmethod
    def _export_name(item: Item) -> str | None:
        if item.sort == "instance" and item.id is not None:
            return item.id
        node = item.node  # every item a name of the document stands for is part of it
        return node.name if node is not None and node.kind in ("import", "alias") else None

    def _export(self, name: str, item: Item, span: ast.Span, hint: bool) -> None:
        how = "; give it another name with `as`" if hint else ""
        if name in self.definitions:
            raise err(f"export `{name}` conflicts with a type definition of the same name{how}",
                      span)
        prev = self.exports.get(name)
        prev_span = prev[1] if prev is not None else self.given_up.get(name)
        if prev_span is not None:
            raise err(f"duplicate export `{name}` (first at line {line_of(prev_span)}){how}", span)
        if not is_extern_name(name):
            raise err(f"export name `{name}` is not valid", span)
        self.export_names.claim(name, span)
        node = item.node
        if node is None or node.kind != "definition":  # (a definition renamed: counted)
            self._entity(item.type, span)
        if node is not None and node.kind == "definition":
            self._rename_definition(node.name, name, span)  # type: ignore[arg-type]
            return
        if node is None or (item.sort == "type" and node.kind != "alias"):
            raise err(f"{item.with_article()} cannot be exported here: only imports, instances, "
                      "their exports and the document's type definitions can", span)
        self.exports[name] = (item, span)

    def _rename_definition(self, definition: str, name: str, span: ast.Span) -> None:
        """`export a as "b"` of a type the document defines: the type is exported as `b`,
        in the place `a` had, and no longer as `a` (as wac encodes it)."""
        old = self.definition_export[definition]
        self.definition_export[definition] = name
        self.given_up[old] = self.exports[old][1]
        self.exports = {(name if k == old else k): ((v[0], span) if k == old else v)
                        for k, v in self.exports.items()}

    # -- expressions -----------------------------------------------------------------------------

    def expr(self, e: ast.Expr, let_name: str | None) -> Item:
        item = self.primary(e.primary, let_name if not e.postfix else None)
        parent = e.primary.span
        for p in e.postfix:
            item = self.postfix(item, p, parent)
            parent = p.span
        return item

    def primary(self, p: object, let_name: str | None) -> Item:
        if isinstance(p, ast.New):
            return self.new(p, let_name)
        if isinstance(p, ast.Nested):
            return self.expr(p.expr, let_name)
        assert isinstance(p, ast.Ident)
        return self.local(p.id)

    def postfix(self, item: Item, p: object, parent: ast.Span) -> Item:
        if item.sort != "instance":
            raise err(f"an instance is required to perform an access operation (this "
                      f"evaluated to {item.with_article()})", parent)
        exports = item.type.exports  # type: ignore[attr-defined]
        if isinstance(p, ast.Access):
            name = _interface_match(p.id.name, exports) or p.id.name
        else:
            name = p.string.value  # type: ignore[attr-defined]
        ext = exports.get(name)
        if ext is None:
            raise err(f"the instance has no export named `{name}`", p.span)  # type: ignore[attr-defined]
        return self._alias_export(item, name, ext)

    @staticmethod
    def _alias_export(item: Item, name: str, ext: object) -> Item:
        node = Node("alias", name, source=item.node)
        alias = _item_of(ext)
        return Item(alias.sort, alias.type, alias.tsort, node, alias.id)

    def new(self, e: ast.New, let_name: str | None) -> Item:
        pkg_name = e.package
        if pkg_name.name == self.doc.directive.package.name:
            raise err(f"unknown package `{pkg_name.name}` (a document cannot instantiate "
                      "its own package)", pkg_name.span)
        pkg = self.package(pkg_name.name, pkg_name.version, pkg_name.span)
        if pkg.component is None:
            raise err(f"package `{pkg_name.name}` is a WIT package, not a component: it has "
                      "nothing to instantiate", pkg_name.span)
        expected = pkg.component.imports
        if e.fill and e.fill_span is not None and any(
                a.span.start > e.fill_span.start for a in e.args):
            raise err("implicit import argument `...` must be the last argument", e.fill_span)
        args: dict[str, tuple[Item, ast.Span]] = {}
        for arg in e.args:
            if isinstance(arg, ast.SpreadArg):
                continue
            if isinstance(arg, ast.InferredArg):
                item = self.local(arg.id)
                name = self._inferred_name(arg.id.name, item, expected)
                span = arg.id.span
            else:
                item = self.expr(arg.expr, None)
                n = arg.name
                if isinstance(n, ast.Id):
                    name = _interface_match(n.name, expected) or n.name
                else:
                    name = n.value
                span = n.span
            if name in args:
                raise err(f"duplicate instantiation argument `{name}`", span)
            args[name] = (item, span)
        for arg in e.args:
            if isinstance(arg, ast.SpreadArg):
                self._spread(arg, expected, args)
        instance = self.graph.instantiate(self._component(pkg), self._instance_name(
            let_name or pkg_name.name.rpartition(":")[2]))
        unpassable = None
        for name, (item, span) in args.items():
            if name not in expected:
                raise err(f"component `{pkg_name.name}` has no import named `{name}`", span)
            source = self._source(item)
            if source is None:  # checked all the same; refused once the document is read
                mismatch = self.graph.check_argument(instance, name, item.type)  # type: ignore[arg-type]
                unpassable = unpassable or (item, span)
            else:
                mismatch = self.graph.set_argument(instance, name, source, WAC)
            if mismatch is not None:
                raise err(f"mismatched instantiation argument `{name}`: {mismatch}", span)
        if not e.fill:
            missing = next((n for n in expected if n not in args), None)
            if missing is not None:
                raise err(f"missing instantiation argument `{missing}` for package "
                          f"`{pkg_name.string}` (pass it, or end the arguments with `...` to "
                          "import it)", pkg_name.span)
        self._check_limits(pkg, pkg_name.span)
        node = Node("instance", instance=instance.name, span=pkg_name.span)
        self.instances.append(New(node, pkg, args, e.fill, instance, unpassable))
        return Item("instance", T.InstanceType(dict(pkg.component.exports)), node=node)

    def _component(self, pkg: Package) -> ComponentFile:
        """The graph's component of a package, added when first instantiated."""
        f = self.components.get(pkg.key)
        if f is None:
            assert pkg.component is not None
            f = self.components[pkg.key] = self.graph.add_component(
                pkg.component.loaded, pkg.component.name, origin="package")
        return f

    def _entity(self, t: object, span: ast.Span) -> None:
        """An import or export of the output: wasmparser takes a component's imports and
        exports together as one type, whose effective size must stay below its limit."""
        before = self.entity_size
        self.entity_size += T.nesting(t, *self._nesting)[1]
        if self.entity_size >= MAX_TYPE_SIZE > before:  # reported once, where it is passed
            self.problems.append(err(
                f"the composed component's imports and exports would be too large: "
                f"{self.entity_size:,} types when fully expanded, and wasm-tools allows "
                f"{MAX_TYPE_SIZE:,}", span))

    def _check_limits(self, pkg: Package, span: ast.Span) -> None:
        """Refuse the `new` that would take the output past what wasmparser (and wasmtime)
        accept: instances (4,096, those imported counted too), and core modules and
        components embedded (1,000; each package's once). Not with --skip-validation, which
        writes the output anyway, as for compositions with -d. At once, unlike the rules
        `problems` holds: the rest of a document of 100,000 instances is not worth reading."""
        if not self.validate:
            return
        instances = len(self.instances) + 1 + self.instance_imports
        if instances > MAX_INSTANCES:
            raise err(f"this instance would be the composed component's {instances:,}th; a "
                      f"component has at most {MAX_INSTANCES:,} instances (--skip-validation "
                      "writes it anyway)", span)
        if self.import_dependencies or pkg.key in self.embedded:
            return
        self.embedded.add(pkg.key)
        self.tree_size += pkg.component.loaded.scope.tree_size  # type: ignore[union-attr]
        if self.tree_size > MAX_MODULES_AND_COMPONENTS:
            raise err(f"instantiating `{pkg.key}` makes the composed component hold "
                      f"{self.tree_size:,} core modules and components (what each package "
                      f"nests); WebAssembly tools and runtimes take at most "
                      f"{MAX_MODULES_AND_COMPONENTS:,} (--skip-validation writes it anyway)", span)

    def _instance_name(self, base: str) -> str:
        name, n = base, 1
        while name in self.instance_names or name == DOCUMENT:
            n += 1
            name = f"{base}{n}"
        self.instance_names.add(name)
        return name

    @staticmethod
    def _inferred_name(ident: str, item: Item, expected: dict[str, object]) -> str:
        if item.sort == "instance" and item.id is not None and item.id in expected:
            return item.id
        node = item.node
        if node is not None and node.kind in ("import", "alias") and node.name in expected:
            return node.name  # type: ignore[return-value]
        return _interface_match(ident, expected) or ident

    def _spread(self, arg: ast.SpreadArg, expected: dict[str, object],
                args: dict[str, tuple[Item, ast.Span]]) -> None:
        item = self.local(arg.id)
        if item.sort != "instance":
            raise err(f"an instance is required to perform a spread operation (this is a "
                      f"{item.describe()})", arg.id.span)
        exports = item.type.exports  # type: ignore[attr-defined]
        spread = False
        for name in expected:
            if name in args or name not in exports:
                continue
            args[name] = (self._alias_export(item, name, exports[name]), arg.id.span)
            spread = True
        if not spread:
            raise err("the instance has no matching exports for the remaining unsatisfied "
                      "arguments", arg.id.span)

    # -- targets ---------------------------------------------------------------------------------

    def check_targets(self, path: ast.PackagePath) -> None:
        item = self.package_path(path)
        if not (item.sort == "type" and item.tsort == "world"):
            raise err(f"`{path.string}` ({item.describe()}) is not a world", path.span)
        world = item.type
        imports = {name: (node.span, imp.type) for name, (node, imp) in self.imports.items()}
        for node, pkg, args, fill, _, _ in self.instances:  # what `...` imports
            for name, ext in pkg.component.imports.items():  # type: ignore[union-attr]
                if fill and name not in args:
                    imports.setdefault(name, (node.span, ext))
        for name, (span, ext) in imports.items():
            wanted = world.imports.get(name)  # type: ignore[attr-defined]
            if wanted is None:
                raise err(f"target world `{path.string}` does not have an import named "
                          f"`{name}`", span)  # type: ignore[arg-type]
            mismatch = check_extern(wanted, ext, NameBindings())
            if mismatch is not None:
                raise err(f"import `{name}` has a mismatched type for target world "
                          f"`{path.string}`: {mismatch}", span)  # type: ignore[arg-type]
        for name, wanted in world.exports.items():  # type: ignore[attr-defined]
            have = self.exports.get(name)
            if have is None:
                raise err(f"target world `{path.string}` requires an export named `{name}`",
                          path.span)
            target, span = have
            actual = target.type if isinstance(target, (Item, TypeDefinition)) else None
            mismatch = check_extern(actual, wanted, NameBindings())
            if mismatch is not None:
                raise err(f"export `{name}` has a mismatched type for target world "
                          f"`{path.string}`: {mismatch}", span)

    # -- the graph -------------------------------------------------------------------------------

    def build(self) -> CompositionGraph:
        """The composition graph, once the document is read: what each instance leaves to
        the host (`...`) and the exports, in the document's order, with the errors found
        only now (names the output's imports would clash on)."""
        graph = self.graph
        for node, pkg, args, fill, instance, unpassable in self.instances:
            f = instance.file
            if self.import_dependencies:
                # imported by the output: wac names the import `unlocked-dep=<ns:name>`, a
                # name the component model no longer has (wasm-tools 1.262 refuses it), so
                # the package's key in kebab case: `ns-name`, `ns-name-1-0-0`
                graph.import_component(f, self._dependency_import(pkg, node))
            if unpassable is not None:
                raise self._unpassable(*unpassable)
            for name in f.imports:
                if name not in args:  # `...`: imported by the composition
                    if name in self.imports:
                        imp = self.imports[name][0]
                        raise err(f"import `{name}` conflicts with an item that was implicitly "
                                  f"imported by an instantiation of `{pkg.key}` (line "
                                  f"{line_of(node.span)})", imp.span)  # type: ignore[arg-type]
                    if strongly_unique_key(name) not in self.import_names.places:  # once
                        self._entity(f.imports[name], node.span)  # type: ignore[arg-type]
                    self.import_names.claim(name, node.span)  # type: ignore[arg-type]
                    graph.leave_to_host(instance, name)
        for name, (target, span) in self.exports.items():
            if isinstance(target, TypeDefinition):
                graph.export(name, target)
                continue
            source = self._source(target)  # type: ignore[arg-type]
            if source is None:
                raise self._unpassable(target, span)  # type: ignore[arg-type]
            graph.export(name, source)
        self.raise_problems()  # names the implicit imports clash on
        graph.files_read += [Path(self.doc.source.path), *self.files_read]
        return graph

    def _dependency_import(self, pkg: Package, node: Node) -> str:
        """The name the output imports `pkg`'s component under, checked: a valid name, and
        not one another package or an import of the document has already."""
        name = pkg.import_name
        if not is_label(name):
            raise err(f"package `{pkg.key}` cannot be imported: `{name}`, its name in kebab "
                      "case, is not a valid import name", node.span)  # type: ignore[arg-type]
        key = strongly_unique_key(name)
        other = self.component_imports.get(key)
        if other == pkg.key:  # instantiated before
            return name
        if other is not None:
            raise err(f"packages `{other}` and `{pkg.key}` would both be imported as "
                      f"`{name}`", node.span)  # type: ignore[arg-type]
        prev = self.import_names.places.get(key)
        if prev is not None:
            raise err(f"package `{pkg.key}` would be imported as `{name}`, which the composed "
                      f"component already imports (as `{prev[0]}`)", node.span)  # type: ignore[arg-type]
        self.component_imports[key] = pkg.key
        self.import_names.claim(name, node.span)
        return name

    def _source(self, item: Item) -> Source | None:
        """What the graph passes (or exports) for an item of the document: an instance, an
        export of one, an import or an export of one; None for what cannot be passed."""
        node = item.node
        if node is None:
            return None
        if node.kind == "import":
            return self.declared[node.name]  # type: ignore[index]
        if node.kind == "instance":
            return self.graph.instances[node.instance]  # type: ignore[index]
        if node.kind == "alias":
            src = node.source
            assert src is not None  # an alias is always of something
            if src.kind == "instance":
                return self.graph.alias(self.graph.instances[src.instance], node.name)  # type: ignore[arg-type,index]
            if src.kind == "import":
                return self.graph.alias(self.declared[src.name], node.name)  # type: ignore[arg-type,index]
        return None

    @staticmethod
    def _unpassable(item: Item, span: ast.Span) -> ComposerError:
        """Why an item cannot be passed or exported."""
        if item.node is None:
            return err(f"{item.with_article()} cannot be passed or exported: only imports, "
                       "instances and their exports can", span)
        return err(f"{item.with_article()} exported by an instance that is itself an export (an "
                   "export of an export) cannot be passed or exported by compose yet", span)


def _item_of(ext: object) -> Item:
    """The item an extern type is, as an export of an instance or a package."""
    if isinstance(ext, T.FuncType):
        return Item("func", ext)
    if isinstance(ext, T.InstanceType):
        return Item("instance", ext)
    if isinstance(ext, T.ComponentType):
        return Item("component", ext)
    if isinstance(ext, T.CoreModuleType):
        return Item("module", ext)
    if isinstance(ext, T.ValueExtern):
        return Item("value", ext)
    if isinstance(ext, T.ResourceType):
        return Item("type", ext, "resource")
    return Item("type", ext, "value")


def _interface_match(name: str, externs: dict[str, object]) -> str | None:
    """`baz` naming `foo:bar/baz@1.0.0`, when it is the only such name (and not a name of
    its own)."""
    if name in externs:
        return None
    found = [n for n in externs if "/" in n and n.rsplit("/", 1)[1].split("@")[0] == name]
    return found[0] if len(found) == 1 else None


def resolve_document(doc: ast.Document, deps_dir: Path, overrides: dict[str, Path],
                     validate: bool, import_dependencies: bool) -> LinkedComposition:
    """The linked composition of a WAC document; raises TextError at the first error."""
    from ..errors import CompositionError

    r = WacResolver(doc, deps_dir, overrides, validate, import_dependencies)
    r.resolve()
    linked = r.build().link()
    if linked.import_cycle:  # found after every other check passed: the only problem
        raise CompositionError(linked.problems[0].message)
    if linked.problems:
        raise _problem_error(r, linked.problems[0])
    return linked


def _problem_error(r: WacResolver, p: Problem) -> ComposerError:
    """A problem linking found, at the instantiation it concerns."""
    for new in r.instances:
        if new.node.instance == p.instance:
            return err(f"instantiation of `{new.package.key}`: {p.message}", new.node.span)  # type: ignore[arg-type]
    return ComposerError(p.message, file=r.doc.source.path)
