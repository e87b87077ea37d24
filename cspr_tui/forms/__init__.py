"""Form templates as data: the model, the YAML loader, the condition language and validation."""

from cspr_tui.forms.dates import DateFormatError, format_date, parse_date, parse_iso_date
from cspr_tui.forms.expression import ExpressionError, parse_expression
from cspr_tui.forms.loader import CHOICES_FILE, check_templates, load_forms
from cspr_tui.forms.model import (
    FIELD_TYPES,
    Field,
    FieldValueError,
    Form,
    FormSet,
    Issue,
    Section,
    TemplateProblem,
)
from cspr_tui.forms.relied_on import FORM_IDS, RELIED_ON_FIELDS

__all__ = [
    "CHOICES_FILE",
    "FIELD_TYPES",
    "FORM_IDS",
    "RELIED_ON_FIELDS",
    "DateFormatError",
    "ExpressionError",
    "Field",
    "FieldValueError",
    "Form",
    "FormSet",
    "Issue",
    "Section",
    "TemplateProblem",
    "check_templates",
    "format_date",
    "load_forms",
    "parse_date",
    "parse_expression",
    "parse_iso_date",
]
