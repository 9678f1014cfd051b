"""The one Jinja environment of the web pages (templates/), autoescaping everything.

Bulletin text, questions, answers and quotes reach the pages only as template values, so Jinja escapes them;
markup is only ever what the templates write, so nothing a citizen types or the bulletin says can become HTML.
Both helpers return plain ``str``: a ``Markup`` handed out would escape whatever a caller adds to it with ``+``.
"""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape

TEMPLATES = Environment(
    loader=PackageLoader("zhili_qa.web", "templates"), autoescape=select_autoescape(default=True), auto_reload=False
)


def render(template: str, **values: object) -> str:
    """A whole template rendered with these values."""
    return TEMPLATES.get_template(template).render(**values)


def fragment(name: str, *args: object, template: str = "parts.html") -> str:
    """One macro of a template (``parts.html``: the pieces several pages share) called with these values."""
    return str(getattr(TEMPLATES.get_template(template).module, name)(*args))
