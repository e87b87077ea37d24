"""Word exports: agency information reports and case reports, rendered with docxtpl.

Every render is sandboxed (template_sandbox.py: a template cannot run code), strict and
escaped: `autoescape=True` (docxtpl's default silently drops `&` and `<...>`), a
StrictUndefined Jinja environment and an undeclared-variable check, so a template tag
without a value is an error naming the tag, never a blank. The finished file is opened again
before it is given its name: no template tag may remain and, for agency reports and redacted
reports, no identifier from the pseudonym key may appear anywhere in its text.
"""

from __future__ import annotations

import html
import re
import threading
import zipfile
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import jinja2
import jinja2.exceptions
import jinja2.nodes
from docx import Document
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from lxml import etree

from cspr_tui import paths
from cspr_tui.domain.case import Case
from cspr_tui.errors import CsprError, NotFound, ValidationFailed
from cspr_tui.exports.context import (
    CASE_REPORT_KINDS,
    case_agencies,
    case_report_context,
    finish_context,
)
from cspr_tui.exports.export_file import (
    default_export_dir,
    safe_name_part,
    write_export,
    write_versioned_export,
)
from cspr_tui.exports.redaction import Redactor, case_redactor, fold_plain
from cspr_tui.exports.redaction.review import (
    check_pseudonyms,
    context_findings,
    published_context,
    redact_context,
    require_reviewed,
)
from cspr_tui.exports.redaction.words import is_ordinary
from cspr_tui.exports.template_sandbox import (
    SandboxedWordEnvironment,
    UnsafeTemplate,
    source_problems,
)
from cspr_tui.settings import Settings

__all__ = [
    "TEMPLATE_FILES",
    "Progress",
    "document_text",
    "find_agency",
    "package_text",
    "render_template",
    "template_path",
    "write_case_report",
]

Progress = Callable[[int, int], None]

TEMPLATE_FILES = {
    "referral": "referral.docx",
    "rapid-review": "rapid_review.docx",
    "final": "final_report.docx",
}


def template_path(key: str) -> Path:
    """The Word template for `key`: the workspace's own copy if there is one, else the default."""
    name = TEMPLATE_FILES[key]
    override = paths.user_templates_dir() / "docx" / name
    if override.is_file():
        return override
    shipped = paths.shipped_templates_dir() / "docx" / name
    if not shipped.is_file():
        raise CsprError(f"the Word template {name} is missing from {shipped.parent}; reinstall.")
    return shipped


_CACHE_LOCK = threading.Lock()


class _CachingEnvironment(SandboxedWordEnvironment):
    """The sandboxed Word environment, compiling each template source only once.

    docxtpl hands the whole document XML to `from_string` on every render; compiling it is
    about a quarter of a report's time, and the source only changes when the template file
    does. Keyed on the exact source text, so an edited template is compiled afresh.
    """

    _CACHE_SIZE = 16

    def __init__(self) -> None:
        super().__init__()
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(  # only plain text is accepted (see below)
        self,
        source: str | jinja2.nodes.Template,
        globals: Mapping[str, Any] | None = None,
        template_class: type[jinja2.Template] | None = None,
    ) -> jinja2.Template:
        if globals or template_class or not isinstance(source, str):
            raise UnsafeTemplate(["only plain template text can be rendered"])
        template = self._compiled.get(source)
        if template is None:
            problems = source_problems(source, self)
            if problems:
                raise UnsafeTemplate(problems)
            template = super().from_string(source)
            with _CACHE_LOCK:  # the app may export from a worker thread
                if len(self._compiled) >= self._CACHE_SIZE:
                    self._compiled.pop(next(iter(self._compiled)))
                self._compiled[source] = template
        return template


_ENV = _CachingEnvironment()


def _environment() -> jinja2.Environment:
    return _ENV


# docxtpl turns these characters in rendered text into Word breaks, tabs and paragraphs.
_LISTING_CHARS = re.compile(r"[\t\n\a\f]")
_PARAGRAPH = re.compile(r"<w:p(?: [^>]*)?>.*?</w:p>", re.DOTALL)


_PATCHED: dict[str, str] = {}


class _Template(DocxTemplate):
    """docxtpl's template with `resolve_listing` applied only where it can change something.

    The stock version re-parses every paragraph and run of the output with nested regexes,
    which for a 1,000-row chronology costs more than the rendering itself; a paragraph with
    no tab, newline, bell or form feed comes out of it unchanged, so it is skipped here. The
    paragraphs that do hold one go through the stock code exactly as before.
    """

    def patch_xml(self, src_xml: str) -> str:
        """docxtpl's tag clean-up, remembered per template source (it depends on nothing else).

        A dozen regex passes over the whole template: as costly as rendering 1,000 rows for a
        long template, and the same result every time the unchanged template is used.
        """
        patched = _PATCHED.get(src_xml)
        if patched is None:
            patched = _cell_widths(super().patch_xml(src_xml))
            with _CACHE_LOCK:
                if len(_PATCHED) >= 32:
                    _PATCHED.pop(next(iter(_PATCHED)))
                _PATCHED[src_xml] = patched
        return patched

    def resolve_listing(self, xml: str) -> str:
        if not _LISTING_CHARS.search(xml):
            return xml
        resolve = super().resolve_listing
        return _PARAGRAPH.sub(
            lambda m: resolve(m.group(0)) if _LISTING_CHARS.search(m.group(0)) else m.group(0),
            xml,
        )

    def fix_tables(self, xml: str) -> etree._Element:
        """docxtpl's table repair, then each table's grid taken from its cells' own widths.

        The stock repair runs only when a table's rows and column grid disagree (a
        `{%tc for %}` loop made columns); it shares the width out equally, so afterwards a
        table whose first row states every cell's width (measured from the content when the
        context was built) gets those widths back in its grid, which LibreOffice follows.
        """
        tree = etree.fromstring(xml, parser=etree.XMLParser(recover=True))
        ns = {"w": tree.nsmap["w"]}
        for table in tree.iter(f"{{{ns['w']}}}tbl"):
            columns = table.xpath("count(w:tblGrid/w:gridCol)", namespaces=ns)
            widest = table.xpath("boolean(.//w:tr[count(w:tc) > $n])", namespaces=ns, n=columns)
            full = table.xpath(
                "boolean(.//w:tr[count(w:tc) - count(w:tc/w:tcPr/w:gridSpan)"
                " + sum(w:tc/w:tcPr/w:gridSpan/@w:val) >= $n])",
                namespaces=ns,
                n=columns,
            )
            if widest or not full or table.find("w:tblGrid", ns) is None:
                tree = super().fix_tables(etree.tostring(tree, encoding="unicode"))
                break
        for table in tree.iter(f"{{{ns['w']}}}tbl"):
            _grid_from_cells(table, ns)
        return tree


# `{# cellwidth EXPR #}` in a cell: the cell's width (twips) from the context. A Jinja
# comment, so the template is valid for Word, stock docxtpl and `cspr templates check`
# alike (they simply ignore it); only this renderer turns it into the cell's w:tcW.
_CELL_WIDTH = re.compile(
    r"(<w:tc[ >](?:(?!<w:tc[ >]).)*?)\{#\s*cellwidth\s+([A-Za-z_][\w.]*)\s*#\}(.*?</w:tc>)",
    re.DOTALL,
)


def _cell_widths(xml: str) -> str:
    def width(match: re.Match[str]) -> str:
        head, expr, tail = match.group(1), match.group(2), match.group(3)
        tag = f'<w:tcW w:type="dxa" w:w="{{{{ {expr} }}}}"/>'
        head, found = re.subn(r"<w:tcW\b[^>]*/>", tag, head, count=1)
        if not found:
            head = re.sub(r"(<w:tcPr[^>]*>)", r"\1" + tag, head, count=1)
        return head + tail

    return _CELL_WIDTH.sub(width, xml) if "cellwidth" in xml else xml


def _grid_from_cells(table: Any, ns: dict[str, str]) -> None:
    """Set the grid to the first row's cell widths when every cell states one in twips."""
    first = table.find("w:tr", ns)
    grid = table.find("w:tblGrid", ns)
    if first is None or grid is None:
        return
    widths = []
    for cell in first.findall("w:tc", ns):
        width = cell.find("w:tcPr/w:tcW", ns)
        span = cell.find("w:tcPr/w:gridSpan", ns)
        value = None if width is None else width.get(f"{{{ns['w']}}}w", "")
        if span is not None or value is None or not value.isdigit():
            return
        widths.append(value)
    columns = grid.findall("w:gridCol", ns)
    if len(columns) != len(widths):
        return
    for column, width in zip(columns, widths, strict=True):
        column.set(f"{{{ns['w']}}}w", width)


def render_template(template: Path, context: dict[str, Any], dest: Path) -> None:
    """Render `template` with `context` into `dest`; any missing value or bad tag is an error.

    StrictUndefined makes a tag without a value (a typo in an edited template, a field that
    does not exist) fail with its name instead of printing nothing.
    """
    try:
        tpl = _Template(str(template))
        tpl.render(context, jinja_env=_environment(), autoescape=True)
    except (UnsafeTemplate, jinja2.exceptions.SecurityError) as exc:
        raise ValidationFailed(
            f"the Word template {template} uses what Word templates may not ({exc}); "
            "nothing was exported; run 'cspr templates check'."
        ) from None
    except jinja2.UndefinedError as exc:
        raise CsprError(
            f"the Word template {template} uses a value this report does not provide "
            f"({exc.message}); see docs/templates.md."
        ) from None
    except jinja2.TemplateSyntaxError as exc:
        raise CsprError(
            f"the Word template {template} has a broken tag ({exc.message}); retype it in Word."
        ) from None
    except jinja2.TemplateError as exc:
        raise CsprError(f"the Word template {template} cannot be rendered ({exc}).") from None
    except Exception as exc:  # not a Word file at all
        raise CsprError(
            f"the Word template {template} cannot be read ({exc.__class__.__name__}); "
            "replace it with a .docx file."
        ) from None
    tpl.save(str(dest))


def _table_text(table: Table) -> list[str]:
    lines: list[str] = []
    for row in table.rows:
        for cell in row.cells:
            lines.extend(p.text for p in cell.paragraphs)
            for inner in cell.tables:
                lines.extend(_table_text(inner))
    return lines


class _TextPart(Protocol):
    """The body, a header or a footer: paragraphs and tables a reader sees."""

    @property
    def paragraphs(self) -> list[Paragraph]: ...

    @property
    def tables(self) -> list[Table]: ...


def _part_text(part: _TextPart) -> list[str]:
    lines = [p.text for p in part.paragraphs]
    for table in part.tables:
        lines.extend(_table_text(table))
    return lines


def document_text(path: Path) -> str:
    """All the text a reader can see in a .docx: body, tables, headers, footers, properties."""
    doc = Document(str(path))
    lines = _part_text(doc)
    for section in doc.sections:
        for part in (
            section.header,
            section.footer,
            section.first_page_header,
            section.first_page_footer,
            section.even_page_header,
            section.even_page_footer,
        ):
            if not part.is_linked_to_previous:
                lines.extend(_part_text(part))
    props = doc.core_properties
    lines.extend(
        str(v or "")
        for v in (props.title, props.subject, props.author, props.comments, props.keywords)
    )
    return "\n".join(lines)


# The pieces of Word XML a reader sees: text (also deleted text and field codes, which a
# reviewer can reveal), line breaks, tabs and paragraph ends; DrawingML text in shapes too.
_VISIBLE = re.compile(
    rb"<(?:(?:w:t|w:delText|w:instrText|a:t)(?:\s[^>]*)?>([^<]*)<"
    rb"|(/w:p>|w:br\b|w:cr\b|/a:p>)"
    rb"|(w:tab\b))"
)  # one leading "<" for all alternatives: several times faster than an alternation of "<..."
_TAG = re.compile(rb"<[^>]*>")
_SCANNED = ("word/", "docProps/", "customXml/")
_NO_TEXT_PARTS = frozenset(
    {
        "word/styles.xml",
        "word/stylesWithEffects.xml",
        "word/fontTable.xml",
        "word/settings.xml",
        "word/webSettings.xml",
    }
)


def _visible_text(xml: bytes) -> str:
    pieces = []
    for text, newline, tab in _VISIBLE.findall(xml):
        pieces.append(b"\n" if newline else b"\t" if tab else text)
    return html.unescape(b"".join(pieces).decode("utf-8"))


def package_text(path: Path) -> str:
    """Every paragraph of every part of the package, text boxes, notes and comments included.

    python-docx's paragraphs miss text boxes and footnotes; an edited template may use them,
    so the identifier scan reads the XML of each part directly. Runs are joined as Word
    shows them, and a line break or tab separates words, so a name cannot hide by being
    split across runs or glued to the line before.
    """
    lines: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if not name.endswith(".xml") or not name.startswith(_SCANNED):
                continue
            if name in _NO_TEXT_PARTS or name.startswith("word/theme/"):
                continue  # style, font and settings definitions: no text a reader sees
            xml = archive.read(name)
            if not name.startswith("word/"):  # properties and content-control data
                text = html.unescape(_TAG.sub(b"\n", xml).decode("utf-8"))
                lines.extend(t for t in text.splitlines() if t.strip())
            else:
                lines.append(_visible_text(xml))
    return "\n".join(lines)


_TEMPLATE_TEXT: dict[tuple[str, float], str] = {}


def _template_text(template: Path) -> str:
    """The template's own wording, folded, padded with spaces for whole-word tests."""
    key = (str(template), template.stat().st_mtime)
    text = _TEMPLATE_TEXT.get(key)
    if text is None:
        text = f" {fold_plain(package_text(template))} "
        _TEMPLATE_TEXT[key] = text
    return text


def _template_wording(hit: str, template: Path | None) -> bool:
    """Whether a hit is the template's fixed wording rather than something from the case:
    anything the shipped template says ("Senior manager name" with a contact called
    Manager, "Child A" with a family named Child), and an everyday word an edited template
    says. A name typed into an edited template is not wording: it stops the export."""
    if template is None:
        return False
    word = f" {fold_plain(hit)} "
    name = template.name
    shipped = paths.shipped_templates_dir() / "docx" / name
    if shipped.is_file() and word in _template_text(shipped):
        return True
    return is_ordinary(hit.strip()) and word in _template_text(template)


def _verify(
    path: Path,
    redactor: Redactor | None,
    *,
    template: Path | None = None,
    kept: frozenset[str] = frozenset(),
) -> None:
    """Refuse a rendered document that still holds a tag or an identifier.

    The case's values were reviewed before rendering; this scan of the finished file is
    for what did not come through them (a name typed into an edited template). Hits the
    reviewer decided to keep, and words of the template's own wording, are not refused.
    """
    text = package_text(path)
    if "{{" in text or "{%" in text:
        raise CsprError(
            "the rendered document still contains template tags; check the Word template's tags."
        )
    if redactor is not None:
        found = [
            f
            for f in redactor.find(text)
            if fold_plain(f.hit) not in kept and not _template_wording(f.hit, template)
        ]
        if found:
            where = f"the Word template {template}" if template else "the document"
            raise ValidationFailed(
                f"the finished document still contains identifying details that did not come "
                f"from the case's reviewed text, so no file was written; remove them from "
                f"{where} and try again.",
                details=[f.describe() for f in found],
            )


def scrub_properties(path: Path, *, title: str = "") -> None:
    """Leave nothing identifying in a document's properties: no author, no last editor, no
    comments or keywords; the title says what the document is."""
    doc = Document(str(path))
    props = doc.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.comments = ""
    props.keywords = ""
    props.subject = ""
    props.category = ""
    props.title = title
    doc.save(str(path))


def find_agency(case: Case, agency: str) -> str:
    """The case's spelling of `agency` (case-insensitive), or a refusal listing its agencies."""
    agencies = case_agencies(case)
    for name in agencies:
        if name.casefold() == agency.strip().casefold():
            return name
    listed = ", ".join(agencies) if agencies else "none recorded yet"
    raise NotFound(f"{case.ref} has no agency '{agency}'; its agencies are: {listed}.")


def _render_to(
    path: Path | None,
    name_for: Callable[[int], str],
    fill: Callable[[Path], None],
    *,
    start: int,
    force: bool,
) -> Path:
    if path is None or Path(path).is_dir():
        folder = default_export_dir() if path is None else Path(path)
        return write_versioned_export(folder, name_for, fill, start=start)
    return write_export(Path(path), fill, force=force)


def write_case_report(
    case: Case,
    kind: str,
    path: Path | None = None,
    *,
    redact: bool = False,
    settings: Settings | None = None,
    today: date | None = None,
    progress: Progress | None = None,
    force: bool = False,
    redactor: Redactor | None = None,
    forms: Any = None,
) -> Path:
    """A referral, rapid-review or final report; `redact` gives the publication-safe version.

    Redacted: every identifier of the pseudonym key is replaced everywhere, then the whole
    document is scanned and the export refused (nothing written) if any remains.
    """
    if kind not in CASE_REPORT_KINDS:
        raise CsprError(
            f"unknown report kind '{kind}'; choose one of {', '.join(CASE_REPORT_KINDS)}."
        )
    settings = settings or Settings()
    today = today or date.today()
    spec = CASE_REPORT_KINDS[kind]
    steps = 3
    if progress:
        progress(0, steps)
    ctx = case_report_context(case, kind, settings=settings, today=today, forms=forms)
    kept: frozenset[str] = frozenset()
    if not redact:
        redactor = None
    else:
        # The review gate: every finding in what came from the case has a decision.
        redactor = redactor or case_redactor(case, settings)
        document = f"{kind} report"
        check_pseudonyms(case, redactor)
        findings = context_findings(redactor, ctx, document)
        require_reviewed(case.ref, findings)
        kept = frozenset(fold_plain(f.hit) for f in findings if not f.withheld)
        ctx = published_context(redact_context(redactor, ctx, document), settings)
    ctx = finish_context(ctx)
    template = template_path(kind)

    def fill(tmp: Path) -> None:
        render_template(template, ctx, tmp)
        if progress:
            progress(2, steps)
        if redactor is not None:
            scrub_properties(tmp, title=str(ctx.get("title", "")))
        _verify(tmp, redactor.strict() if redactor else None, template=template, kept=kept)

    if progress:
        progress(1, steps)
    suffix = "_Redacted" if redact else ""
    # The published version's name leaves out the internal reference when its cover does.
    public = redact and "reference" in getattr(settings, "published_omits", ())
    named = (
        safe_name_part(case.pseudonym, fallback="Review") if public else safe_name_part(case.ref)
    )
    stem = f"{named}_{spec.file_label}{suffix}"
    written = _render_to(path, lambda n: f"{stem}_v{n}.docx", fill, start=1, force=force)
    if progress:
        progress(steps, steps)
    return written
