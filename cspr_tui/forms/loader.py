"""Reading template files into forms, and checking them, without ever crashing the app.

Every fault in a file becomes a `TemplateProblem(file, field, problem)` instead of an
exception. A broken workspace override is skipped and the shipped form is used; the
problems travel on the `FormSet` so a screen can say so. YAML is read with a safe loader
that also refuses aliases (a few lines of aliases can expand to gigabytes).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from cspr_tui import paths
from cspr_tui.forms.dates import DateFormatError, parse_iso_date
from cspr_tui.forms.expression import Expression, ExpressionError, parse_expression
from cspr_tui.forms.model import (
    CHOICE_TYPES,
    FIELD_TYPES,
    Constraint,
    Field,
    Form,
    FormSet,
    Section,
    Severity,
    TemplateProblem,
    make_scope,
)
from cspr_tui.forms.relied_on import (
    FORM_IDS,
    RELIED_ON_CHOICES,
    RELIED_ON_FIELDS,
    relied_on_type,
)
from cspr_tui.settings import Settings

__all__ = [
    "CHOICES_FILE",
    "check_templates",
    "load_forms",
    "read_choice_lists",
    "read_form",
    "settings_choice_lists",
    "shared_choice_lists",
]

CHOICES_FILE = "choices.yaml"
MAX_FILE_BYTES = 1_000_000
_ID = re.compile(r"[a-z][a-z0-9_]*")
_FORM_KEYS = {"id", "version", "title", "description", "sections"}
_SECTION_KEYS = {"id", "title", "help", "fields", "show_if"}
_COMMON_KEYS = {"id", "type", "label", "help", "required", "required_if", "show_if"}
_KEYS_BY_TYPE: dict[str, set[str]] = {
    "text": _COMMON_KEYS | {"constraints", "default", "max_length"},
    "long_text": _COMMON_KEYS | {"constraints", "default", "max_length"},
    "date": _COMMON_KEYS | {"constraints", "default"},
    "number": _COMMON_KEYS | {"constraints", "default", "min", "max"},
    "yes_no": _COMMON_KEYS | {"constraints", "default"},
    "yes_no_unknown": _COMMON_KEYS | {"constraints", "default"},
    "choice": _COMMON_KEYS | {"constraints", "default", "choices"},
    "multi_choice": _COMMON_KEYS | {"constraints", "default", "choices"},
    "repeat": _COMMON_KEYS | {"constraints", "fields", "min", "max", "item_label"},
    "note": {"id", "type", "label", "text", "help", "show_if"},
}


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
# A template is about ten levels deep; far deeper nesting is a broken or hostile file, and
# PyYAML's pure-Python constructor would recurse until Python gives up.
MAX_NESTING = 50


def _refusal(problem: str, event: yaml.Event) -> yaml.MarkedYAMLError:
    """A syntax error at the event's line (the C parser's marks are another class)."""
    start = event.start_mark
    mark = None if start is None else yaml.Mark("", start.index, start.line, start.column, None, 0)
    return yaml.MarkedYAMLError(None, None, problem, mark)


def _check_events(text: str, loader: Any) -> None:
    """Refuse aliases and runaway nesting from the event stream, before building anything."""
    depth = 0
    for event in yaml.parse(text, Loader=loader):
        if isinstance(event, yaml.AliasEvent):
            raise _refusal("aliases (*name) are not allowed in templates", event)
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                raise _refusal(f"nested more than {MAX_NESTING} levels deep", event)
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1


def _safe_load(text: str) -> Any:
    """Safe YAML without aliases; libyaml's C parser when present (ten times quicker)."""
    if _FAST_LOADER is None:
        _check_events(text, yaml.SafeLoader)
        return yaml.load(text, Loader=yaml.SafeLoader)  # the events were checked just above
    _check_events(text, _FAST_LOADER)
    return yaml.load(text, Loader=_FAST_LOADER)  # the C safe loader


def _display(path: Path) -> str:
    """A name the reader can open: relative to the workspace when in it, otherwise full."""
    try:
        return str(path.resolve().relative_to(paths.workspace().resolve()))
    except ValueError:
        return str(path.resolve())


# Parsed files by (path, modification time, size): the store, the app and the tests load
# the forms often, and parsing is most of the cost. The builder only reads what is cached.
_PARSED: dict[tuple[str, int, int], Any] = {}
_PARSED_LIMIT = 128


def _read_yaml(path: Path, problems: list[TemplateProblem]) -> Any:
    name = _display(path)
    try:
        stat = path.stat()
        key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
        if key in _PARSED:
            return _PARSED[key]
        if stat.st_size > MAX_FILE_BYTES:
            problems.append(TemplateProblem(name, "file", "is larger than 1 MB; not read"))
            return None
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(TemplateProblem(name, "file", "is not UTF-8 text"))
        return None
    except OSError as exc:
        problems.append(TemplateProblem(name, "file", f"cannot be read ({exc.strerror})"))
        return None
    try:
        parsed = _safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}" if mark else "file"
        what = exc.problem or exc.context or "invalid YAML"
        problems.append(TemplateProblem(name, where, f"YAML syntax error: {what}"))
    except yaml.YAMLError as exc:
        problems.append(TemplateProblem(name, "file", f"YAML syntax error: {exc}"))
    except RecursionError:  # a last resort: _check_events refuses deep nesting first
        problems.append(TemplateProblem(name, "file", "YAML nested too deeply to read"))
    else:
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[key] = parsed
        return parsed
    return None


def _text(value: Any) -> str | None:
    """YAML reads an unquoted Yes/No as true/false; in a template they mean the words."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return None


# ------------------------------------------------------------------------ choice lists


def read_choice_lists(
    path: Path, problems: list[TemplateProblem]
) -> dict[str, tuple[str, ...]] | None:
    """The shared lists of a `choices.yaml`: a mapping of list name to list of strings."""
    start = len(problems)
    raw = _read_yaml(path, problems)
    if len(problems) > start:
        return None
    name = _display(path)
    if not isinstance(raw, Mapping):
        problems.append(TemplateProblem(name, "file", "must map list names to lists of choices"))
        return None
    lists: dict[str, tuple[str, ...]] = {}
    for key, items in raw.items():
        label = str(key)
        if not isinstance(key, str) or not _ID.fullmatch(key):
            problems.append(TemplateProblem(name, label, "list names must be snake_case"))
            continue
        choices = _choice_items(items, name, label, problems)
        if choices is not None:
            lists[key] = choices
    return None if len(problems) > start else lists


def _choice_items(
    items: Any, file: str, where: str, problems: list[TemplateProblem]
) -> tuple[str, ...] | None:
    if not isinstance(items, list) or not items:
        problems.append(TemplateProblem(file, where, "choices must be a non-empty list"))
        return None
    choices = [_text(item) for item in items]
    if any(c is None or not c.strip() for c in choices):
        problems.append(TemplateProblem(file, where, "every choice must be non-empty text"))
        return None
    texts = [c.strip() for c in choices if c is not None]
    duplicates = sorted({c for c in texts if texts.count(c) > 1})
    if duplicates:
        problems.append(TemplateProblem(file, where, f"choice {duplicates[0]!r} appears twice"))
        return None
    return tuple(texts)


# ------------------------------------------------------------------------------- forms


class _Builder:
    """Builds one form from parsed YAML, collecting every problem rather than stopping."""

    def __init__(self, path: Path, lists: Mapping[str, tuple[str, ...]]) -> None:
        self.path = path
        self.file = _display(path)
        self.lists = lists
        self.problems: list[TemplateProblem] = []
        self.expressions: list[tuple[str, Field | None, Expression]] = []

    def problem(self, where: str, text: str) -> None:
        self.problems.append(TemplateProblem(self.file, where, text))

    def build(self, raw: Any) -> Form | None:
        if not isinstance(raw, Mapping):
            self.problem("form", "the file must describe one form (id, version, title, sections)")
            return None
        for key in sorted(set(map(str, raw)) - _FORM_KEYS):
            self.problem("form", f"unknown key {key!r}")
        form_id = raw.get("id")
        if not isinstance(form_id, str) or not _ID.fullmatch(form_id):
            self.problem("id", "the form id must be snake_case text, e.g. referral")
            form_id = self.path.stem
        elif form_id != self.path.stem:
            self.problem("id", f"the form id {form_id!r} must match the file name")
        version = raw.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.problem("version", "the version must be a whole number, 1 or more")
            version = 1
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            self.problem("title", "the form needs a title")
            title = form_id
        description = raw.get("description", "")
        if not isinstance(description, str):
            self.problem("description", "the description must be text")
            description = ""
        sections_raw = raw.get("sections")
        if not isinstance(sections_raw, list) or not sections_raw:
            self.problem("sections", "the form needs a list of sections")
            sections_raw = []
        sections: list[Section] = []
        top_ids: set[str] = set()
        section_ids: set[str] = set()
        for index, section_raw in enumerate(sections_raw):
            section = self.section(section_raw, index, top_ids, section_ids)
            if section is not None:
                sections.append(section)
        form = Form(form_id, version, title.strip(), description.strip(), tuple(sections))
        form.source = self.path
        self.check_references(form)
        if not self.problems:
            self.check_evaluation(form)
        self.check_relied_on(form)
        return None if self.problems else form

    def section(
        self, raw: Any, index: int, top_ids: set[str], section_ids: set[str]
    ) -> Section | None:
        where = f"section {index + 1}"
        if not isinstance(raw, Mapping):
            self.problem(where, "each section must have an id, a title and fields")
            return None
        section_id = raw.get("id")
        if not isinstance(section_id, str) or not _ID.fullmatch(section_id):
            self.problem(where, "the section id must be snake_case text")
        elif section_id in section_ids:
            self.problem(f"section {section_id}", "the section id is used twice")
        else:
            section_ids.add(section_id)
            where = f"section {section_id}"
        for key in sorted(set(map(str, raw)) - _SECTION_KEYS):
            self.problem(where, f"unknown key {key!r}")
        title = raw.get("title")
        if not isinstance(title, str) or not title.strip():
            self.problem(where, "the section needs a title")
            title = str(section_id)
        help_text = raw.get("help", "")
        if not isinstance(help_text, str):
            self.problem(where, "help must be text")
            help_text = ""
        fields_raw = raw.get("fields")
        if not isinstance(fields_raw, list) or not fields_raw:
            self.problem(where, "the section needs a list of fields")
            fields_raw = []
        fields = self.fields(fields_raw, None, top_ids, where)
        show_if = self.expression(raw.get("show_if"), where, "show_if", None)
        return Section(str(section_id), title.strip(), help_text.strip(), fields, show_if)

    def fields(
        self, items: list[Any], parent_id: str | None, seen: set[str], where: str
    ) -> tuple[Field, ...]:
        built = []
        for index, raw in enumerate(items):
            item = self.field(raw, index, parent_id, seen, where)
            if item is not None:
                built.append(item)
        return tuple(built)

    def field(
        self, raw: Any, index: int, parent_id: str | None, seen: set[str], where: str
    ) -> Field | None:
        if not isinstance(raw, Mapping):
            self.problem(f"{where}, field {index + 1}", "each field must have an id and a type")
            return None
        field_id = raw.get("id")
        prefix = f"{parent_id}." if parent_id else ""
        if not isinstance(field_id, str) or not _ID.fullmatch(field_id):
            self.problem(f"{where}, field {index + 1}", "the field id must be snake_case text")
            return None
        path = prefix + field_id
        if field_id in seen:
            self.problem(path, "duplicate field id: each field needs its own id")
            return None
        seen.add(field_id)
        kind = raw.get("type")
        if kind not in FIELD_TYPES:
            self.problem(path, f"unknown type {kind!r} (use one of: {', '.join(FIELD_TYPES)})")
            return None
        for key in sorted(set(map(str, raw)) - _KEYS_BY_TYPE[kind]):
            self.problem(path, f"unknown attribute {key!r} for a {kind} field")
        label = raw.get("label")
        if not isinstance(label, str) or not label.strip():
            self.problem(path, "the field needs a label")
            label = field_id
        texts = {}
        for key in ("help", "text", "item_label"):
            value = raw.get(key, "")
            if not isinstance(value, str):
                self.problem(path, f"{key} must be text")
                value = ""
            texts[key] = value.strip()
        required = raw.get("required", False)
        if not isinstance(required, bool):
            self.problem(path, "required must be true or false (use required_if for a condition)")
            required = False
        item = Field(
            id=field_id,
            type=kind,
            label=label.strip(),
            help=texts["help"],
            text=texts["text"],
            required=required,
            item_label=texts["item_label"],
        )
        self.choices(item, raw, path)
        self.limits(item, raw, path)
        if kind == "repeat":
            if parent_id:
                self.problem(path, "a repeat cannot sit inside another repeat")
            rows = raw.get("fields")
            if not isinstance(rows, list) or not rows:
                self.problem(path, "a repeat needs a list of fields for each entry")
                rows = []
            item.fields = self.fields(rows, field_id, set(), path)
            for child in item.fields:
                child.parent = item
        item.required_if = self.expression(raw.get("required_if"), path, "required_if", item)
        item.show_if = self.expression(raw.get("show_if"), path, "show_if", item)
        item.constraints = self.constraints(raw.get("constraints"), path, item)
        if "default" in raw:
            item.default = self.default(item, raw["default"], path)
        return item

    def choices(self, item: Field, raw: Mapping[str, Any], path: str) -> None:
        if item.type not in CHOICE_TYPES:
            return
        spec = raw.get("choices")
        if spec is None:
            self.problem(path, "a choice field needs choices: a list, or the name of a list")
        elif isinstance(spec, str):
            if spec not in self.lists:
                self.problem(path, f"choice list {spec!r} is not defined in {CHOICES_FILE}")
            else:
                item.choices, item.choice_list = self.lists[spec], spec
        else:
            found = _choice_items(spec, self.file, path, self.problems)
            item.choices = found or ()

    def limits(self, item: Field, raw: Mapping[str, Any], path: str) -> None:
        for key in ("min", "max", "max_length"):
            if key not in raw:
                continue
            value = raw[key]
            whole = item.type == "repeat" or key == "max_length"
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.problem(path, f"{key} must be a number")
                continue
            if whole and (not isinstance(value, int) or value < 0):
                self.problem(path, f"{key} must be a whole number, 0 or more")
                continue
            if key == "min":
                item.minimum = value
            elif key == "max":
                item.maximum = value
            else:
                item.max_length = int(value)
        if item.minimum is not None and item.maximum is not None and item.minimum > item.maximum:
            self.problem(path, "min is larger than max")

    def expression(self, text: Any, path: str, key: str, owner: Field | None) -> Expression | None:
        if text is None:
            return None
        try:
            parsed = parse_expression(text)
        except ExpressionError as exc:
            self.problem(path, f"{key}: {exc}")
            return None
        self.expressions.append((f"{path}: {key}" if owner is None else path, owner, parsed))
        return parsed

    def constraints(self, raw: Any, path: str, owner: Field) -> tuple[Constraint, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list):
            self.problem(path, "constraints must be a list of {rule, message}")
            return ()
        built = []
        for index, entry in enumerate(raw):
            where = f"constraint {index + 1}"
            if not isinstance(entry, Mapping):
                self.problem(path, f"{where} must have a rule and a message")
                continue
            for key in sorted(set(map(str, entry)) - {"rule", "message", "severity"}):
                self.problem(path, f"{where}: unknown key {key!r}")
            message = entry.get("message")
            if not isinstance(message, str) or not message.strip():
                self.problem(path, f"{where} needs a message naming the field, in plain English")
                continue
            severity = entry.get("severity", "error")
            if severity not in ("error", "warning"):
                self.problem(path, f"{where}: severity must be error or warning")
                continue
            rule = self.expression(entry.get("rule"), path, f"{where} rule", owner)
            if rule is not None:
                built.append(Constraint(rule, message.strip(), Severity(severity)))
        return tuple(built)

    def default(self, item: Field, value: Any, path: str) -> Any:
        if item.type == "date":
            if value == "today":
                return value
            if isinstance(value, dt.date):
                return value.isoformat()
            try:
                return parse_iso_date(value).isoformat()
            except DateFormatError:
                self.problem(path, "default must be today or a date written YYYY-MM-DD")
                return None
        if item.type in ("yes_no", "yes_no_unknown", "choice"):
            value = _text(value)
        if item.type == "multi_choice" and isinstance(value, list):
            value = [_text(v) for v in value]
        problem = item.check_value(value)
        if problem:
            self.problem(path, f"default: {problem}")
            return None
        return value

    def check_references(self, form: Form) -> None:
        """Every name a condition reads must be a field of the form (or of its row)."""
        for where, owner, expression in self.expressions:
            repeat = None
            if owner is not None:
                repeat = owner if owner.type == "repeat" else owner.parent
            for parts in expression.references():
                if not self._resolves(form, repeat, parts):
                    self.problem(
                        where,
                        f"{expression.source!r} refers to unknown field {'.'.join(parts)!r}",
                    )

    def check_evaluation(self, form: Form) -> None:
        """Run every condition once on a sample answer for each field: a rule that cannot
        be evaluated (a date compared with a number, text added to 1) would otherwise count
        as unknown at every use, so a constraint would silently never apply."""
        values = {top.id: _sample_answer(top) for top in form.fields if top.is_input}
        for where, owner, expression in self.expressions:
            repeat = None
            if owner is not None:
                repeat = owner if owner.type == "repeat" else owner.parent
            row = _sample_answer(repeat)[0] if repeat is not None else None
            scope = make_scope(form, values, repeat, row, 0, today=dt.date(2026, 1, 15))
            try:
                expression.evaluate(scope)
            except ExpressionError as exc:
                self.problem(where, f"{expression.source!r} cannot be evaluated: {exc}")

    @staticmethod
    def _resolves(form: Form, repeat: Field | None, parts: tuple[str, ...]) -> bool:
        if len(parts) == 1:
            if repeat is not None and repeat.field(parts[0]) is not None:
                return True
            return form.field(parts[0]) is not None
        group = form.field(parts[0])
        return group is not None and group.type == "repeat" and group.field(parts[1]) is not None

    def check_relied_on(self, form: Form) -> None:
        relied_on = RELIED_ON_FIELDS.get(form.id, ())
        groups = {path.split(".")[0] for path in relied_on if "." in path}
        for path in relied_on:
            found = form.field(path)
            if found is None:
                self.problem(
                    path,
                    "this field is missing, but the case store and exports rely on it; "
                    "keep this field id (you may change its label)",
                )
            elif found.type != "repeat" and path in groups:
                self.problem(path, "this field must stay a repeat: the code reads its entries")
            elif relied_on_type(path) and found.type != relied_on_type(path):
                self.problem(path, "this field must stay a date: the deadlines and exports read it")
        for path, needed in RELIED_ON_CHOICES.get(form.id, {}).items():
            found = form.field(path)
            if found is None or found.type not in CHOICE_TYPES:
                continue
            missing = [choice for choice in needed if choice not in found.choices]
            if missing:
                source = f" (list {found.choice_list!r})" if found.choice_list else ""
                self.problem(
                    path,
                    f"the choices{source} must include {', '.join(repr(m) for m in missing)}: "
                    "the code compares answers with them (add other choices as you wish)",
                )


def _sample_answer(item: Field) -> Any:
    """A possible stored answer of the field's type, for trying its conditions out."""
    if item.type == "date":
        return "2026-01-15"
    if item.type == "number":
        return 1
    if item.type in ("yes_no", "yes_no_unknown"):
        return "Yes"
    if item.type == "choice":
        return item.choices[0] if item.choices else "x"
    if item.type == "multi_choice":
        return [item.choices[0]] if item.choices else ["x"]
    if item.type == "repeat":
        return [{f.id: _sample_answer(f) for f in item.fields if f.is_input}]
    return "x"


def read_form(
    path: Path, lists: Mapping[str, tuple[str, ...]]
) -> tuple[Form | None, list[TemplateProblem]]:
    """One template file as a Form, or None with every problem found."""
    problems: list[TemplateProblem] = []
    raw = _read_yaml(path, problems)
    if problems:
        return None, problems
    builder = _Builder(path, lists)
    form = builder.build(raw)
    return form, builder.problems


def _template_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file()]
    return sorted(p for p in files if p.name != CHOICES_FILE)


def _merged_lists(
    folders: Iterable[Path], problems: list[TemplateProblem]
) -> dict[str, tuple[str, ...]]:
    """Shared lists, each later folder's `choices.yaml` replacing lists of the same name."""
    lists: dict[str, tuple[str, ...]] = {}
    for folder in folders:
        path = folder / CHOICES_FILE
        if path.is_file():
            found = read_choice_lists(path, problems)
            if found:
                lists.update(found)
    return lists


def shared_choice_lists(user_dir: Path | None = None) -> dict[str, tuple[str, ...]]:
    """The shared lists in use (shipped, then the workspace's), without reading the forms.

    For exports that offer a partnership's lists (the tracker's drop-downs); a broken
    workspace `choices.yaml` is skipped here as `load_forms` skips it.
    """
    shipped = paths.shipped_templates_dir()
    user = user_dir or paths.user_templates_dir()
    folders = [shipped] if user.resolve() == shipped.resolve() else [shipped, user]
    return _merged_lists(folders, [])


def settings_choice_lists(
    settings: Settings, lists: Mapping[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """The shared lists the settings own: the review methods, and the protective markings
    with the partnership's own (the marking every export prints, and an agency report's
    answer, settings.protective_marking) added when the list lacks it."""
    markings = tuple(lists.get("protective_markings", ()))
    marking = str(settings.protective_marking or "").strip()
    if marking and marking not in markings:
        markings = (*markings, marking)
    return {"review_methods": tuple(settings.review_methods), "protective_markings": markings}


def load_forms(
    user_dir: Path | None = None,
    *,
    shipped_dir: Path | None = None,
    choice_lists: Mapping[str, Iterable[str]] | None = None,
    settings: Settings | None = None,
) -> FormSet:
    """The forms in use: shipped templates, overridden file by file by the workspace's.

    `choice_lists` replaces shared lists by name. `settings` gives the lists a partnership
    sets there (`settings_choice_lists`). Never raises for a bad template: a broken override is
    skipped (the shipped form stays), a shipped form that the workspace's lists break is
    read with the shipped lists, and every problem is on `FormSet.problems`.
    """
    shipped = shipped_dir or paths.shipped_templates_dir()
    user = user_dir or paths.user_templates_dir()
    same = user.resolve() == shipped.resolve()
    problems: list[TemplateProblem] = []
    shipped_lists = _merged_lists([shipped], problems)
    lists = shipped_lists if same else {**shipped_lists, **_merged_lists([user], problems)}
    given = settings_choice_lists(settings, lists) if settings is not None else {}
    for name, items in {**given, **(choice_lists or {})}.items():
        cleaned = tuple(str(item).strip() for item in items if str(item).strip())
        if cleaned:
            lists = {**lists, name: cleaned}
    forms: dict[str, Form] = {}
    for path in _template_files(shipped):
        form, found = read_form(path, lists)
        problems.extend(found)
        if form is None and found and lists != shipped_lists:
            form = read_form(path, shipped_lists)[0]  # the workspace's lists broke it
        if form is not None:
            forms[form.id] = form
    for path in [] if same else _template_files(user):
        form, found = read_form(path, lists)
        problems.extend(found)
        if form is not None:
            forms[form.id] = form
    order = {form_id: index for index, form_id in enumerate(FORM_IDS)}
    ordered = dict(sorted(forms.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    return FormSet(ordered, problems=problems, choice_lists=lists)


def check_templates(dirs: Iterable[Path] | None = None) -> list[TemplateProblem]:
    """Check every template file in `dirs` (default: shipped, then the workspace's).

    The first folder is the base set and must hold every form the code needs; later
    folders hold overrides. Every form file is checked with the shared lists the app would
    use with it: each folder's `choices.yaml` merged in order.
    """
    if dirs is None:
        dirs = [paths.shipped_templates_dir(), paths.user_templates_dir()]
    folders: list[Path] = []
    for folder in dirs:
        if folder.is_dir() and all(folder.resolve() != seen.resolve() for seen in folders):
            folders.append(folder)
    problems: list[TemplateProblem] = []
    lists = _merged_lists(folders, problems)
    for index, folder in enumerate(folders):
        files = _template_files(folder)
        for path in files:
            problems.extend(read_form(path, lists)[1])
        if index == 0:
            present = {p.stem for p in files}
            for form_id in FORM_IDS:
                if form_id not in present:
                    missing = folder / f"{form_id}.yaml"
                    problems.append(
                        TemplateProblem(_display(missing), "file", "this form template is missing")
                    )
    return problems
