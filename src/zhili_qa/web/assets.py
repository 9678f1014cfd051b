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

# Runs in <head> of the Gradio pages: embed mode, the source viewer and copy buttons, all by event
# delegation so it works on whatever Gradio renders later. Fetched fragments are server-escaped HTML.
# The viewer lives outside the Gradio container, so its rules go into <head> as they are.
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

APP_JS = (
    """
<style>"""
    + VIEWER_CSS
    + """</style>
<script>
(function () {
  document.documentElement.lang = 'zh-CN';
  var boot = setInterval(function () {  // the server's "opening… lite page" note, until the chat is drawn
    if (!document.getElementById('zq-question')) return;
    var note = document.getElementById('zq-boot');
    if (note) note.parentNode.removeChild(note);
    clearInterval(boot);
  }, 250);
  var params = new URLSearchParams(window.location.search);
  if (params.get('embed') === '1') document.documentElement.classList.add('zq-embed');
  var lastFocus = null;

  function viewer() {
    var v = document.getElementById('zq-viewer');
    if (v) return v;
    v = document.createElement('div');
    v.id = 'zq-viewer';
    v.hidden = true;
    v.setAttribute('role', 'dialog');
    v.setAttribute('aria-modal', 'true');
    v.setAttribute('aria-label', '公告原文');
    v.innerHTML = '<div class="zq-viewer-panel"><div class="zq-viewer-bar"><span class="zq-viewer-title">公告原文</span>' +
      '<button type="button" class="zq-btn zq-close">关闭</button></div><div class="zq-viewer-body"></div></div>';
    v.addEventListener('click', function (e) { if (e.target === v) close(); });
    document.body.appendChild(v);
    return v;
  }

  function close() {
    var v = document.getElementById('zq-viewer');
    if (!v || v.hidden) return;
    v.hidden = true;
    if (lastFocus && lastFocus.focus) lastFocus.focus();
  }

  function openSource(link) {
    var url = link.getAttribute('data-src').split('#')[0];
    var v = viewer();
    var body = v.querySelector('.zq-viewer-body');
    lastFocus = link;
    body.textContent = '正在打开原文…';
    v.querySelector('.zq-viewer-title').textContent = '公告原文';
    v.hidden = false;
    v.querySelector('.zq-close').focus();
    fetch(url + (url.indexOf('?') < 0 ? '?' : '&') + 'fragment=1', {credentials: 'same-origin'})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        body.innerHTML = html;
        var heading = body.querySelector('h2');
        v.querySelector('.zq-viewer-title').textContent = heading ? heading.textContent : '公告原文';
        var mark = body.querySelector('mark');
        if (mark) mark.scrollIntoView({block: 'center'});
      })
      .catch(function () { body.textContent = '原文暂时打不开，请稍后再试。'; });
  }

  function copy(text, button) {
    function done(ok) {
      var label = button.getAttribute('data-label') || button.textContent;
      button.setAttribute('data-label', label);
      button.textContent = ok ? '已复制' : '复制失败，请长按文字复制';
      setTimeout(function () { button.textContent = label; }, 2000);
    }
    function fallback() {
      var area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.style.position = 'fixed';
      area.style.opacity = '0';
      document.body.appendChild(area);
      area.select();
      var ok = false;
      try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
      document.body.removeChild(area);
      done(ok);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }

  document.addEventListener('click', function (e) {
    var target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    var source = target.closest('[data-src]');
    if (source) { e.preventDefault(); openSource(source); return; }
    if (target.closest('.zq-close')) { close(); return; }
    var copyButton = target.closest('[data-copy]');
    if (copyButton) { e.preventDefault(); copy(copyButton.getAttribute('data-copy'), copyButton); }
  });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape') close(); });
})();
</script>
"""
)

SCROLL_TO_LAST_TURN_JS = """
() => {
  const turns = document.querySelectorAll('#zq-chat .zq-turn, #zq-chat .zq-notice');
  const last = turns[turns.length - 1];
  if (last) last.scrollIntoView({behavior: 'smooth', block: 'start'});
}
"""
