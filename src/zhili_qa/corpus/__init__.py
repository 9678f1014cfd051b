"""Governance bulletins parsed into projects, fields, items, sentences and clauses, with exact offsets:
``model`` (what a bulletin is made of), ``units`` (a field cut into items, sentences, clauses), ``parse``
(reading bulletin files)."""

from .meta import DocumentMeta, read_meta, validate_meta
from .model import FIELDS, GOAL, LEAD, PREAMBLE_FIELD, RESULTS, TITLE, Corpus, Document, Project, Span
from .parse import load_corpus, parse_bulletin
from .units import CHUNKER_VERSION

__all__ = [
    "CHUNKER_VERSION",
    "FIELDS",
    "GOAL",
    "LEAD",
    "PREAMBLE_FIELD",
    "RESULTS",
    "TITLE",
    "Corpus",
    "Document",
    "DocumentMeta",
    "Project",
    "Span",
    "load_corpus",
    "parse_bulletin",
    "read_meta",
    "validate_meta",
]
