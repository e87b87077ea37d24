"""Word templates are data: a sandboxed Jinja environment and a check that refuses code.

A partnership may override any Word template from its workspace, and a workspace can be a
folder someone else prepared, so a template must never be able to run code or reach the
file system. Two layers, each sufficient against the known payloads on its own:

- a static check of the template's Jinja source (after docxtpl's tag clean-up) that allows
  only what the shipped templates need: variables, attribute and item access to public
  names, `if`/`for`/`set`/`macro`, a handful of text filters and tests, and calls only to
  the read-only mapping methods (`items`, `keys`, `values`, `get`) and `loop.cycle`;
- Jinja's `ImmutableSandboxedEnvironment` at render time, with Jinja's default globals
  (`cycler`, `joiner`, `lipsum`, `namespace`, `range`, `dict`) removed and the filter and
  test tables cut to the same allowlist, so nothing outside it is even reachable.

`cspr templates check` runs the same check on every shipped and workspace Word template.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import jinja2
import jinja2.runtime
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

__all__ = [
    "ALLOWED_CALLS",
    "ALLOWED_FILTERS",
    "ALLOWED_TESTS",
    "SandboxedWordEnvironment",
    "UnsafeTemplate",
    "check_word_template",
    "source_problems",
]

# Plain text shaping a partnership might reasonably add to an edited template.
ALLOWED_FILTERS = frozenset(
    {
        "capitalize",
        "default",
        "d",
        "e",
        "escape",
        "first",
        "join",
        "last",
        "length",
        "lower",
        "replace",
        "title",
        "trim",
        "upper",
    }
)
ALLOWED_TESTS = frozenset(
    {"defined", "undefined", "none", "string", "number", "eq", "ne", "in", "true", "false"}
)
# Method names a template may call: reading a mapping, and alternating row styles.
ALLOWED_CALLS = frozenset({"items", "keys", "values", "get", "cycle"})

# Jinja's default globals, named so that a template using one is told why it cannot.
_JINJA_GLOBALS = frozenset({"range", "dict", "lipsum", "cycler", "joiner", "namespace"})


class UnsafeTemplate(jinja2.TemplateError):
    """The template uses something outside what Word templates may use."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class SandboxedWordEnvironment(ImmutableSandboxedEnvironment):
    """Strict, escaping and sandboxed: the only environment Word templates render in."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined)
        self.globals.clear()
        self.filters = {name: f for name, f in self.filters.items() if name in ALLOWED_FILTERS}
        self.tests = {name: t for name, t in self.tests.items() if name in ALLOWED_TESTS}

    def is_safe_callable(self, obj: Any) -> bool:
        if isinstance(obj, jinja2.runtime.Macro):
            return True
        name = getattr(obj, "__name__", "")
        return name in ALLOWED_CALLS and super().is_safe_callable(obj)


def _describe(node: nodes.Node) -> str:
    """A short, readable form of the tag a problem was found in (for the one-line message)."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_describe(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = node.arg.value if isinstance(node.arg, nodes.Const) else "..."
        return f"{_describe(node.node)}[{arg!r}]"
    if isinstance(node, nodes.Call):
        return f"{_describe(node.node)}(...)"
    if isinstance(node, nodes.Filter | nodes.Test):
        return node.name
    return type(node).__name__.lower()


def _assigned_names(tree: nodes.Template) -> set[str]:
    names = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    names.update(m.name for m in tree.find_all(nodes.Macro))
    return names


def source_problems(source: str, env: jinja2.Environment | None = None) -> list[str]:
    """Every construct in a template source that Word templates may not use, in plain words."""
    env = env or SandboxedWordEnvironment()
    try:
        tree = env.parse(source)
    except jinja2.TemplateSyntaxError:
        return []  # reported as a broken tag by whoever renders or checks it
    problems: list[str] = []

    def add(text: str) -> None:
        if text not in problems:
            problems.append(text)

    for node in tree.find_all((nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)):
        add(f"'{type(node).__name__.lower()}' of another template is not allowed")
    for attr in tree.find_all(nodes.Getattr):
        if attr.attr.startswith("_"):
            add(f"{_describe(attr)}: the attribute {attr.attr!r} is not allowed")
    for item in tree.find_all(nodes.Getitem):
        if isinstance(item.arg, nodes.Const) and str(item.arg.value).startswith("_"):
            add(f"{_describe(item)}: the key {item.arg.value!r} is not allowed")
    for used_filter in tree.find_all(nodes.Filter):
        if used_filter.name not in ALLOWED_FILTERS:
            allowed = ", ".join(sorted(ALLOWED_FILTERS))
            add(f"the filter {used_filter.name!r} is not allowed (allowed: {allowed})")
    for test in tree.find_all(nodes.Test):
        if test.name not in ALLOWED_TESTS:
            allowed = ", ".join(sorted(ALLOWED_TESTS))
            add(f"the test {test.name!r} is not allowed (allowed: {allowed})")
    macros = {m.name for m in tree.find_all(nodes.Macro)}
    for call in tree.find_all(nodes.Call):
        target = call.node
        if isinstance(target, nodes.Name) and target.name in macros:
            continue
        if not (isinstance(target, nodes.Getattr) and target.attr in ALLOWED_CALLS):
            add(f"{_describe(call)}: calling it is not allowed in a Word template")
    assigned = _assigned_names(tree)
    for name in tree.find_all(nodes.Name):
        if name.ctx == "load" and name.name in _JINJA_GLOBALS and name.name not in assigned:
            add(f"{name.name}: the global {name.name!r} is not available in Word templates")
    return problems


def _template_sources(path: Path) -> list[str]:
    """The Jinja source of every part docxtpl renders (body, headers, footers, properties)."""
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(str(path))
    tpl.init_docx()
    sources = [tpl.patch_xml(tpl.get_xml())]
    with zipfile.ZipFile(path) as package:
        for name in package.namelist():
            parts = ("word/header", "word/footer", "word/footnotes", "docProps/")
            if name.startswith(parts) and name.endswith(".xml"):
                text = package.read(name).decode("utf-8", "replace")
                sources.append(tpl.patch_xml(text))
    return sources


def check_word_template(path: Path) -> list[str]:
    """Problems in one Word template as `file: tag: problem` lines (empty when it is safe)."""
    try:
        sources = _template_sources(path)
    except Exception as exc:  # not a Word file at all
        return [f"{path}: the file cannot be read as a Word document ({exc.__class__.__name__})"]
    problems: list[str] = []
    for source in sources:
        try:
            jinja2.Environment().parse(source)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(f"{path}: a broken tag ({exc.message}); retype it in Word")
            continue
        for problem in source_problems(source):
            line = f"{path}: {problem}"
            if line not in problems:
                problems.append(line)
    return problems
