"""The style sheets and the one small script of the pages (kept here so they ship with the package)."""

import re
from pathlib import Path

FONT_STACK = (
    'system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
    '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif'
)
ACCENT = "#b42318"

# Colours by role (light, and dark where the phone asks for it) and the styles of the fragments render.py builds,
# shared by the Gradio pages, the plain pages and the lite page (which links the file itself).
STATIC_DIR = Path(__file__).parent / "static"
CONTENT_CSS = (STATIC_DIR / "zq.css").read_text(encoding="utf-8")
# Gradio rewrites a page's own ``@media (prefers-color-scheme)`` rules away and marks dark mode with a class on
# <body> instead: the same dark colours, read from the file, under that class.
DARK_COLOURS = re.search(r"prefers-color-scheme: dark\) \{ :root (\{[^}]*\})", CONTENT_CSS).group(1)

# Gradio pages: layout, touch targets, the header, the compact embed mode and the source viewer.
APP_CSS = (
    CONTENT_CSS
    + f"\n.dark {DARK_COLOURS}\n"
    + f"""
.gradio-container {{ width: 100% !important; max-width: 760px !important; margin: 0 auto !important; padding: 0 10px 16px !important;
                     font-family: {FONT_STACK} !important; }}
.gradio-container, .gradio-container * {{ box-sizing: border-box; }}
.gradio-container > .main {{ padding-left: 0 !important; padding-right: 0 !important; }}
.gradio-container .html-container {{ padding: 0 !important; }}
#zq-clear {{ min-height: 44px; }}
#zq-header {{ background: {ACCENT}; color: #fff; border-radius: 14px; padding: 14px 16px 12px; }}
#zq-header h1 {{ font-size: 19px; line-height: 1.4; margin: 0; color: #fff; }}
#zq-header p {{ margin: 4px 0 0; font-size: 14px; opacity: .92; color: #fff; }}
#zq-header a {{ color: #fff; }}
#zq-footer {{ font-size: 13px; color: var(--zq-muted); text-align: center; line-height: 1.7; }}
#zq-footer a {{ color: var(--zq-link); }}
html.zq-embed #zq-header, html.zq-embed #zq-footer {{ display: none !important; }}
html.zq-embed .gradio-container {{ padding-top: 8px !important; }}
.zq-chips {{ display: flex !important; flex-wrap: wrap !important; gap: 8px !important; }}
.zq-chips > button, .zq-chips button {{ flex: 0 1 auto !important; min-width: 0 !important; width: auto !important;
    max-width: 100%; min-height: 44px; white-space: normal !important; text-align: left; font-weight: 400 !important;
    border-radius: 22px !important; padding: 6px 14px !important; line-height: 1.4; font-size: 15px !important; }}
.zq-chips-label {{ font-size: 14px; color: var(--zq-muted); }}
#zq-question textarea {{ font-size: 16px !important; min-height: 48px; }}
.gradio-container {{ overflow: clip !important; }}  /* Gradio's overflow:hidden would stop the input sticking */
#zq-ask {{ position: sticky; bottom: 0; z-index: 20; background: var(--body-background-fill); padding: 6px 0 8px; }}
.zq-waiting {{ color: var(--zq-muted); }}
#zq-question button, .zq-big button, button.zq-big {{ min-height: 48px; min-width: 64px; font-size: 16px !important; }}
#zq-question button, #zq-search-q button, #zq-staff-q button {{ background: {ACCENT} !important;
    color: #fff !important; min-height: 44px; font-size: 16px !important; }}
#zq-feedback, #zq-chips-box {{ gap: 6px !important; }}
.zq-feedback {{ display: flex !important; flex-wrap: wrap !important; gap: 8px !important; align-items: center;
                justify-content: flex-start !important; }}
.zq-feedback > .block {{ flex: 0 1 auto !important; width: auto !important; min-width: 0 !important; }}
.zq-feedback > button, .zq-feedback button {{ flex: 0 1 auto !important; min-width: 0 !important; width: auto !important;
    min-height: 44px; }}
"""
)

PAGE_CSS = (
    CONTENT_CSS
    + f"""
body {{ margin: 0 auto; max-width: 760px; padding: 12px 14px 32px; font-family: {FONT_STACK}; color: var(--zq-text);
        background: var(--zq-page); font-size: 16px; }}
h1 {{ font-size: 20px; line-height: 1.4; }}
.zq-nav {{ display: flex; gap: 16px; margin-bottom: 8px; }}
.zq-nav a {{ color: var(--zq-link); min-height: 44px; display: inline-flex; align-items: center; }}
"""
)

VIEWER_CSS = f"""
#zq-viewer {{ position: fixed; inset: 0; z-index: 1000; background: rgba(0, 0, 0, .45); display: flex;
              align-items: flex-end; justify-content: center; overflow: hidden; }}
#zq-viewer[hidden] {{ display: none; }}
.zq-viewer-panel {{ background: var(--zq-surface); color: var(--zq-text); width: 100%; max-width: 720px; max-height: 86vh;
                    border-radius: 16px 16px 0 0; display: flex; flex-direction: column;
                    font-family: {FONT_STACK}; }}
.zq-viewer-bar {{ display: flex; justify-content: space-between; align-items: center; gap: 8px;
                  padding: 6px 6px 6px 16px; border-bottom: 1px solid var(--zq-border); font-weight: 600; }}
.zq-viewer-body {{ flex: 1 1 auto; min-height: 0; overflow-y: auto; padding: 10px 16px 28px;
                   overscroll-behavior: contain; }}
@media (min-width: 768px) {{
  #zq-viewer {{ align-items: center; }}
  .zq-viewer-panel {{ border-radius: 16px; max-height: 80vh; }}
}}
"""

# In <head> of the Gradio pages: the viewer's styles (it lives outside the Gradio container) and the script.
# copy.js is the lite page's too (served from /zq/); here it comes first, inline, for chat.js to call.
SCRIPT = "\n".join((STATIC_DIR / name).read_text(encoding="utf-8") for name in ("copy.js", "chat.js"))
APP_JS = f"<style>{VIEWER_CSS}</style><script>{SCRIPT}</script>"

# Gradio's event hooks: the question shown before the server is asked, and the scroll once it has answered.
SHOW_QUESTION_JS = "(text, turns) => { window.zqPending && window.zqPending(text); return [text, turns]; }"
SETTLE_JS = "() => { window.zqSettle && window.zqSettle(); }"
