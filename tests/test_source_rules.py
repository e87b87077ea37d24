"""Rules about the source itself, read with `ast` and `tokenize` (nothing is imported).

- No import cycles inside the package, late (function-level) imports included: a cycle
  hidden by a late import is still a cycle. Imports under `if TYPE_CHECKING:` never run
  and are left out.
- No upward imports between the layers vault -> forms -> domain -> exports -> cli/tui
  (the shared `errors`, `paths` and `settings` modules sit below them all).
- Comments and docstrings cite only files that are in the repository.
- No private module of a third-party library is imported, except the few pinned, with the
  code that needs them, in `tests/test_library_internals.py`.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "cspr_tui"
SKIP_DIRS = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache"}

# Layer of each top-level part of the package; a module may import its own layer or lower.
LAYERS = {
    "errors": 0,
    "paths": 0,
    "settings": 0,
    "vault": 1,
    "forms": 2,
    "domain": 3,
    "exports": 4,
    "cli": 5,
    "tui": 5,
    "__main__": 5,
}

# Private library modules still imported, each pinned in tests/test_library_internals.py.
PRIVATE_IMPORTS_ALLOWED = {
    ("cspr_tui/exports/xlsx_tracker.py", "openpyxl.worksheet._writer"),
    ("cspr_tui/exports/xlsx_rows.py", "openpyxl.cell._writer"),
    ("cspr_tui/exports/xlsx_rows.py", "openpyxl.worksheet._writer"),
    ("cspr_tui/exports/xlsx_rows.py", "openpyxl.worksheet._writer.WorksheetWriter"),
    ("tests/exports/test_xlsx_rows.py", "openpyxl.worksheet._writer"),
    ("tests/exports/test_xlsx_rows.py", "openpyxl.worksheet._writer.WorksheetWriter"),
    ("tests/test_library_internals.py", "openpyxl.cell._writer"),
    ("tests/exports/test_xlsx_tracker.py", "openpyxl.worksheet._writer"),
    ("tests/test_library_internals.py", "openpyxl.worksheet._writer"),
    ("cspr_tui/tui/widgets/choice_select.py", "textual.widgets._select"),
    ("cspr_tui/tui/widgets/choice_select.py", "textual.widgets._select.SelectCurrent"),
    ("cspr_tui/tui/widgets/choice_select.py", "textual.widgets._select.SelectOverlay"),
    ("tests/test_library_internals.py", "textual.widgets._select"),
    ("tests/test_library_internals.py", "textual.widgets._select.SelectCurrent"),
    ("tests/test_library_internals.py", "textual.widgets._select.SelectOverlay"),
    ("cspr_tui/tui/widgets/footer.py", "textual.widgets._footer"),
    ("cspr_tui/tui/widgets/footer.py", "textual.widgets._footer.FooterKey"),
    ("tests/test_library_internals.py", "textual.widgets._footer"),
    ("tests/test_library_internals.py", "textual.widgets._footer.FooterKey"),
    ("tests/test_library_internals.py", "textual._xterm_parser"),
    ("tests/test_library_internals.py", "textual._xterm_parser.XTermParser"),
    ("tests/test_library_internals.py", "textual._compositor"),
    ("tests/test_library_internals.py", "textual._compositor.Compositor"),
}


def _files(*tops: str) -> list[Path]:
    found: list[Path] = []
    for top in tops:
        for path in sorted((ROOT / top).rglob("*.py")):
            if not SKIP_DIRS.intersection(path.relative_to(ROOT).parts):
                found.append(path)
    return found


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _runtime_imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run, at any depth, minus `if TYPE_CHECKING:` ones."""

    def type_checking(node: ast.If) -> bool:
        test = node.test
        return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        )

    def walk(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and type_checking(child):
                for other in child.orelse:
                    yield from walk_one(other)
                continue
            yield from walk_one(child)

    def walk_one(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from walk(node)

    yield from walk(tree)


def _imported_modules(path: Path, name: str, known: set[str]) -> dict[str, int]:
    """The package modules `path` imports, each with the line of its first import."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in _runtime_imports(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        for target in targets:
            if target in known and target != name:
                found.setdefault(target, node.lineno)
    return found


def import_graph() -> dict[str, dict[str, int]]:
    paths = {_module_name(p): p for p in _files(PACKAGE)}
    known = set(paths)
    return {name: _imported_modules(path, name, known) for name, path in paths.items()}


def import_cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def _layer(module: str) -> int | None:
    parts = module.split(".")
    if len(parts) == 1:
        return 0  # the package's own __init__
    return LAYERS.get(parts[1])


def upward_imports(graph: dict[str, dict[str, int]]) -> list[str]:
    found = []
    for module, targets in sorted(graph.items()):
        here = _layer(module)
        for target, line in sorted(targets.items()):
            there = _layer(target)
            if here is not None and there is not None and there > here:
                found.append(f"{module} (line {line}) imports {target}, a higher layer")
    return found


def test_the_graph_sees_late_imports_and_skips_type_checking_ones(tmp_path: Path) -> None:
    """The reader itself: a function-level import counts, a TYPE_CHECKING one does not."""
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from pkg import b\n"
        "def f():\n    from pkg import c\n    from . import d\n"
    )
    path = tmp_path / "pkg" / "a.py"
    path.parent.mkdir()
    path.write_text(source)
    found = _imported_modules(path, "pkg.a", {"pkg.a", "pkg.b", "pkg.c", "pkg.d"})
    assert set(found) == {"pkg.c", "pkg.d"}
    assert import_cycles({"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {}}) == [
        ["a", "b", "c"]
    ]
    assert import_cycles({"a": {"b": 1}, "b": {}}) == []


def test_the_package_has_no_import_cycles() -> None:
    graph = import_graph()
    assert len(graph) > 100  # the whole package was read
    cycles = import_cycles(graph)
    described = [
        " <-> ".join(group)
        + ": "
        + "; ".join(
            f"{a} line {graph[a][b]} imports {b}" for a in group for b in group if b in graph[a]
        )
        for group in cycles
    ]
    assert described == []


def test_no_layer_imports_a_higher_one() -> None:
    graph = import_graph()
    unknown = sorted({m.split(".")[1] for m in graph if "." in m} - set(LAYERS))
    assert unknown == [], f"give these parts of the package a layer in LAYERS: {unknown}"
    assert upward_imports(graph) == []
    assert upward_imports({"cspr_tui.vault.x": {"cspr_tui.domain.y": 3}}) == [
        "cspr_tui.vault.x (line 3) imports cspr_tui.domain.y, a higher layer"
    ]


# A file path as prose cites one: `docs/deadlines.md`, `domain/case.py`, `README.md`.
_CITED = re.compile(
    r"(?<![\w/.$-])((?:[\w.-]+/)*[\w-]+\.(?:md|py|ya?ml|tcss|toml|json|txt|cfg|sh))\b"
)


def _comments_and_docstrings(path: Path) -> Iterator[tuple[int, str]]:
    source = path.read_text(encoding="utf-8")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            yield token.start[0], token.string
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            text = ast.get_docstring(node, clean=False)
            if text and node.body:
                yield node.body[0].lineno, text


def _repository_files() -> set[str]:
    return {
        path.relative_to(ROOT).as_posix()
        for path in ROOT.rglob("*")
        if path.is_file() and not SKIP_DIRS.intersection(path.relative_to(ROOT).parts)
    }


def missing_citations(paths: list[Path], files: set[str], root: Path = ROOT) -> list[str]:
    """Cited paths that name no file: not from the root, the citing folder, or as a tail."""
    names = {f.rpartition("/")[2] for f in files}
    missing = []
    for path in paths:
        here = path.parent.relative_to(root).as_posix()
        for line, text in _comments_and_docstrings(path):
            for match in _CITED.finditer(text):
                cited = match.group(1)
                if (
                    cited in files
                    or f"{here}/{cited}" in files
                    or ("/" in cited and any(f.endswith("/" + cited) for f in files))
                    or ("/" not in cited and cited in names)
                ):
                    continue
                missing.append(f"{path.relative_to(root).as_posix()}:{line} cites {cited}")
    return sorted(missing)


def test_comments_and_docstrings_cite_only_files_in_the_repository() -> None:
    files = _repository_files()
    assert "docs/architecture.md" in files
    assert missing_citations(_files(PACKAGE, "tests", "bench"), files) == []


def test_a_citation_of_a_file_outside_the_repository_is_caught(tmp_path: Path) -> None:
    sample = tmp_path / "tests" / "sample.py"
    sample.parent.mkdir()
    sample.write_text(
        '"""Follows STYLE.md and docs/architecture.md."""\n'
        "# see domain/case.py and sample.py, not PRODUCT.md or docs/domain.md\n"
    )
    files = {"docs/architecture.md", "cspr_tui/domain/case.py", "tests/sample.py"}
    assert missing_citations([sample], files, tmp_path) == [
        "tests/sample.py:1 cites STYLE.md",
        "tests/sample.py:2 cites PRODUCT.md",
        "tests/sample.py:2 cites docs/domain.md",
    ]


def _third_party_private(name: str) -> bool:
    top = name.split(".")[0]
    if top in {PACKAGE, "tests", "bench", "__future__"} or top in sys.stdlib_module_names:
        return False
    return any(part.startswith("_") for part in name.split("."))


def _private_imports(path: Path) -> Iterator[str]:
    """Private library modules (or private names of one) that `path` imports."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if _third_party_private(a.name))
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if _third_party_private(node.module):
                yield node.module
            for alias in node.names:
                if _third_party_private(f"{node.module}.{alias.name}"):
                    yield f"{node.module}.{alias.name}"


@pytest.mark.parametrize("top", [PACKAGE, "tests", "bench"])
def test_no_private_library_module_is_imported(top: str) -> None:
    found = sorted(
        {
            (path.relative_to(ROOT).as_posix(), name)
            for path in _files(top)
            for name in _private_imports(path)
        }
        - PRIVATE_IMPORTS_ALLOWED
    )
    assert found == []
