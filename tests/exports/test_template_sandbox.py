"""Word templates cannot run code: hostile workspace overrides are refused and nothing runs.

The payloads are the ones a security review used against a plain Jinja environment: one ran a
shell command, one copied case data to a world-readable file. Each is put in a real Word
template in the workspace's `form_templates/docx/`, then exported through the real code.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import jinja2
import pytest
from docx import Document
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from cspr_tui.errors import ValidationFailed
from cspr_tui.exports import write_case_report
from cspr_tui.exports.docx_report import _environment
from cspr_tui.exports.template_sandbox import (
    SandboxedWordEnvironment,
    check_word_template,
    source_problems,
)
from cspr_tui.settings import Settings
from tests.cli_run import run_cspr as _cspr
from tests.exports.case_fixtures import make_case

TODAY = date(2026, 11, 28)
SETTINGS = Settings(partnership_name="Imaginary Borough Safeguarding Partnership")


def _payloads(marker: Path, leak: Path) -> dict[str, str]:
    """Template tags that run code or copy data under a plain `jinja2.Environment`."""
    return {
        "popen via cycler globals": (
            "{{ cycler.__init__.__globals__.os.popen('touch " + str(marker) + "').read() }}"
        ),
        "open via lipsum builtins": (
            "{{ lipsum.__globals__['__builtins__']['open']('"
            + str(leak)
            + "', 'w').write(case.ref) }}"
        ),
        "FileIO via subclasses": (
            "{% for c in ().__class__.__base__.__subclasses__() %}"
            "{% if c.__name__ == 'FileIO' %}{{ c('" + str(leak) + "', 'w') }}"
            "{% endif %}{% endfor %}"
        ),
        "attr filter": "{{ case|attr('__class__') }}",
        "format string": "{{ '{0.__class__.__mro__}'.format(case) }}",
        "template reference": "{{ self._TemplateReference__context }}",
        "include": "{% include '/etc/passwd' %}",
        "unknown filter": "{{ case.ref|pprint }}",
        "unknown test": "{% if case is callable %}x{% endif %}",
        "range global": "{% for i in range(3) %}{{ i }}{% endfor %}",
    }


def _override(workspace: Path, text: str, name: str = "referral.docx") -> Path:
    folder = workspace / "form_templates" / "docx"
    folder.mkdir(parents=True, exist_ok=True)
    doc = Document()
    doc.add_paragraph("Local referral form for {{ case.ref }}")
    doc.add_paragraph(text)
    path = folder / name
    doc.save(str(path))
    return path


def test_the_payloads_really_run_code_under_a_plain_environment(tmp_path: Path) -> None:
    """Proof the payloads are live: without the sandbox the first one runs a command."""
    marker, leak = tmp_path / "pwned", tmp_path / "leak"
    payloads = _payloads(marker, leak)
    jinja2.Environment().from_string(payloads["popen via cycler globals"]).render()
    assert marker.exists()
    jinja2.Environment().from_string(payloads["open via lipsum builtins"]).render(
        case={"ref": "CSPR-2026-004"}
    )
    assert leak.read_text() == "CSPR-2026-004"


@pytest.mark.parametrize("label", sorted(_payloads(Path("m"), Path("l"))))
def test_hostile_override_is_refused_and_nothing_runs(label: str, workspace: Path) -> None:
    marker = workspace.parent / "pwned"
    leak = workspace.parent / "leak.txt"
    template = _override(workspace, _payloads(marker, leak)[label])
    with pytest.raises(ValidationFailed) as caught:
        write_case_report(make_case(), "referral", settings=SETTINGS, today=TODAY)
    message = caught.value.message
    assert str(template) in message
    assert "\n" not in message
    assert "nothing was exported" in message
    assert not marker.exists()
    assert not leak.exists()
    assert list((workspace / "exports").iterdir()) == []  # no report, no .part file


def test_the_runtime_environment_is_sandboxed_even_without_the_static_check() -> None:
    """Second layer: the environment itself blocks dunder access and has no default globals."""
    env = SandboxedWordEnvironment()
    assert isinstance(env, ImmutableSandboxedEnvironment)
    assert isinstance(_environment(), SandboxedWordEnvironment)
    assert env.autoescape is True
    assert env.globals == {}
    with pytest.raises(SecurityError):
        env.from_string("{{ x.__class__.__mro__ }}").render(x="a")
    with pytest.raises(SecurityError):
        env.from_string("{{ x.upper() }}").render(x="a")  # only mapping reads may be called
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ cycler }}").render()
    with pytest.raises(jinja2.TemplateAssertionError):
        env.from_string("{{ x|attr('y') }}")
    assert env.from_string("{{ d.get('a') }} {{ s|upper }}").render(d={"a": "&"}, s="b") == (
        "&amp; B"
    )


def test_what_the_shipped_templates_use_is_allowed(workspace: Path) -> None:
    source = (
        "{% for row in rows %}{{ loop.cycle('odd', 'even') }} {{ row.name|default('') }}"
        "{% endfor %}{% for k, v in case.items() %}{{ k }}{% endfor %}"
        "{% macro line(x) %}{{ x }}{% endmacro %}{{ line(case.ref) }}"
        "{% if case.ref is defined and case.ref != '' %}{{ case['ref']|upper }}{% endif %}"
    )
    assert source_problems(source) == []
    template = _override(workspace, "{{ case.ref|lower }} {% if case.ref is defined %}y{% endif %}")
    assert check_word_template(template) == []
    path = write_case_report(make_case(), "referral", settings=SETTINGS, today=TODAY)
    assert path.is_file()


def test_templates_check_reports_a_hostile_word_override(workspace: Path) -> None:
    marker = workspace.parent / "pwned"
    payload = _payloads(marker, workspace.parent / "leak")["popen via cycler globals"]
    template = _override(workspace, payload + " {{ case.ref|pprint }}", "final_report.docx")
    result = _cspr("templates", "check")
    assert result.returncode == 6, result.stderr
    lines = result.stdout.splitlines()
    assert f"{template}: cycler.__init__: the attribute '__init__' is not allowed" in lines
    assert any(line.startswith(f"{template}: the filter 'pprint' is not allowed") for line in lines)
    assert any("the global 'cycler' is not available" in line for line in lines)
    assert all(line.startswith(str(template)) for line in lines)
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not marker.exists()


def test_templates_check_passes_the_shipped_word_templates() -> None:
    result = _cspr("templates", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    from cspr_tui.exports.docx_report import TEMPLATE_FILES

    assert f"{len(TEMPLATE_FILES)} Word templates" in result.stdout
