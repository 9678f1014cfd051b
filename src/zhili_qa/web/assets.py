"""The pages' style sheets and scripts, read once from ``static/`` (shipped with the package, also served at /zq/).

``zq.css`` holds the colours by role (light, and dark where the phone asks for it) and the styles of the fragments
the templates draw, shared by the Gradio pages, the plain pages and the lite page (which links the file itself);
``app.css`` the Gradio pages' layout, touch targets, header and compact embed mode; ``page.css`` the plain pages';
``viewer.css`` the source viewer's; ``buttons.css`` the chat's HTML buttons, drawn like Gradio's small secondary
buttons (the theme's variables). What the pages send is these files' text, byte for byte.
"""

import re
from importlib.resources import files
from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"


def static_text(name: str) -> str:
    """A file of ``static/`` as text."""
    return files(__package__).joinpath("static", name).read_text(encoding="utf-8")


CONTENT_CSS = static_text("zq.css")
# Gradio rewrites a page's own ``@media (prefers-color-scheme)`` rules away and marks dark mode with a class on
# <body> instead: the same dark colours, read from the file, under that class.
DARK_COLOURS = re.search(r"prefers-color-scheme: dark\) \{ :root (\{[^}]*\})", CONTENT_CSS).group(1)

APP_CSS = f"{CONTENT_CSS}\n.dark {DARK_COLOURS}\n\n{static_text('app.css')}"
PAGE_CSS = f"{CONTENT_CSS}\n{static_text('page.css')}"
BUTTON_CSS = "\n" + static_text("buttons.css")

# In <head> of the Gradio pages: the viewer's styles (it lives outside the Gradio container) and the script.
# copy.js is the lite page's too (served from /zq/); here it comes first, inline, for chat.js to call.
SCRIPT = "\n".join(static_text(name) for name in ("copy.js", "chat.js"))
APP_JS = f"<style>\n{static_text('viewer.css')}</style><script>{SCRIPT}</script>"

# Gradio's event hooks: the question shown before the server is asked, and once it has answered, the scroll and
# the starters and the clear button as the conversation drawn now needs them (chat.js's zqParts; an update with no
# properties changes nothing, should the script be missing).
SHOW_QUESTION_JS = "(text, turns) => { window.zqPending && window.zqPending(text); return [text, turns]; }"
SETTLE_JS = (
    "() => { window.zqSettle && window.zqSettle(); "
    "return window.zqParts ? window.zqParts() : [{__type__: 'update'}, {__type__: 'update'}]; }"
)
