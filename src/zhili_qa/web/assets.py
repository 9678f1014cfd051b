"""The style sheets and the one small script of the pages (kept here so they ship with the package)."""

FONT_STACK = (
    'system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
    '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif'
)
ACCENT = "#b42318"

# Colours by role, light and dark: Gradio marks dark mode with a ``dark`` class on <body> (following the
# phone's setting unless ?__theme= says otherwise); the plain pages follow the phone's setting directly.
LIGHT = """--zq-text: #1f2328; --zq-muted: #57606a; --zq-quote: #374151; --zq-page: #fff; --zq-surface: #fff;
  --zq-soft: #f6f8fa; --zq-border: #e5e7eb; --zq-line: #d0d7de; --zq-link: #0b57d0; --zq-accent-text: #b42318;
  --zq-refusal-bg: #fffbeb; --zq-refusal-border: #f5d67b; --zq-notice-bg: #fef3f2; --zq-notice-text: #912018;
  --zq-marker-bg: #e8f0fe; --zq-mark: #ffe58f; --zq-mark-strong: #ffd24d;"""
DARK = """--zq-text: #e6edf3; --zq-muted: #9da7b3; --zq-quote: #c9d1d9; --zq-page: #0d1117; --zq-surface: #161b22;
  --zq-soft: #1c2128; --zq-border: #30363d; --zq-line: #3d444d; --zq-link: #7cb4ff; --zq-accent-text: #ff9b8f;
  --zq-refusal-bg: #2b2111; --zq-refusal-border: #6b5418; --zq-notice-bg: #3b1614; --zq-notice-text: #ffb4ab;
  --zq-marker-bg: #1f3a5f; --zq-mark: #5c4d00; --zq-mark-strong: #806800;"""
APP_COLOURS = f":root {{ {LIGHT} }}\n.dark {{ {DARK} }}\n"
PAGE_COLOURS = f":root {{ {LIGHT} }}\n@media (prefers-color-scheme: dark) {{ :root {{ {DARK} }} }}\n"

# Styles of the fragments built in render.py; shared by the Gradio pages and the plain pages.
CONTENT_CSS = f"""
.zq-sr {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }}
.zq-log {{ display: flex; flex-direction: column; gap: 14px; }}
.zq-welcome {{ background: var(--zq-soft); border-radius: 12px; padding: 12px 14px; line-height: 1.75; }}
.zq-turn {{ display: flex; flex-direction: column; gap: 8px; }}
.zq-q {{ align-self: flex-end; max-width: 85%; background: {ACCENT}; color: #fff; border-radius: 16px 16px 4px 16px;
        padding: 10px 14px; line-height: 1.6; white-space: pre-wrap; overflow-wrap: anywhere; }}
.zq-a {{ align-self: stretch; background: var(--zq-surface); border: 1px solid var(--zq-border); border-radius: 16px 16px 16px 4px;
        padding: 12px 14px; line-height: 1.8; overflow-wrap: anywhere; color: var(--zq-text); }}
.zq-refusal {{ background: var(--zq-refusal-bg); border-color: var(--zq-refusal-border); }}
.zq-notice {{ align-self: center; background: var(--zq-notice-bg); color: var(--zq-notice-text); border-radius: 10px; padding: 8px 12px;
             font-size: 15px; }}
.zq-note {{ color: var(--zq-muted); font-size: 14px; margin: 6px 0 0; }}
.zq-pending .zq-answer-text::after {{ content: "▍"; color: var(--zq-muted); }}  /* still being written */
.zq-marker {{ display: inline-block; min-width: 26px; padding: 0 4px; margin: 0 1px; border-radius: 6px;
             background: var(--zq-marker-bg); color: var(--zq-link); font-weight: 600; text-align: center; text-decoration: none;
             line-height: 1.5; }}
.zq-marker {{ position: relative; }}
.zq-marker::after {{ content: ""; position: absolute; inset: -9px -5px; }}  /* a bigger tap area, same look */
.zq-sources-title {{ margin-top: 10px; font-size: 13px; color: var(--zq-muted); }}
.zq-sources {{ list-style: none; padding: 0; margin: 4px 0 0; display: flex; flex-direction: column; gap: 6px; }}
.zq-src {{ display: block; text-align: left; min-height: 44px; padding: 9px 12px; border-radius: 10px; background: var(--zq-soft);
          border: 1px solid var(--zq-border); color: inherit; text-decoration: none; line-height: 1.6; }}
.zq-src:hover, .zq-src:focus-visible {{ border-color: var(--zq-link); }}
.zq-src-n {{ color: var(--zq-link); font-weight: 600; }}
.zq-src-where {{ font-weight: 600; font-size: 14px; }}
.zq-quote {{ display: block; font-size: 14px; color: var(--zq-quote); margin-top: 2px; }}
.zq-src-open {{ display: block; font-size: 13px; color: var(--zq-link); margin-top: 2px; }}
mark {{ background: var(--zq-mark); color: inherit; padding: 0 2px; border-radius: 3px; }}
mark#zq-hl {{ background: var(--zq-mark-strong); box-shadow: 0 0 0 2px var(--zq-mark-strong); scroll-margin: 40vh 0; }}
.zq-project h2 {{ font-size: 18px; margin: 2px 0 10px; line-height: 1.4; }}
.zq-project-doc {{ font-size: 13px; color: var(--zq-muted); }}
.zq-project dl {{ margin: 0; }}
.zq-project dt {{ font-weight: 600; margin-top: 10px; color: var(--zq-accent-text); }}
.zq-project dd {{ margin: 2px 0 0; line-height: 1.8; }}
.zq-project dd p {{ margin: 0 0 6px; }}
.zq-btn {{ display: inline-flex; align-items: center; justify-content: center; min-height: 44px; min-width: 44px;
          padding: 0 14px; border-radius: 10px; border: 1px solid var(--zq-line); background: var(--zq-surface); color: var(--zq-link);
          font-size: 15px; text-decoration: none; cursor: pointer; }}
.zq-btn.zq-primary {{ background: {ACCENT}; border-color: {ACCENT}; color: #fff; }}
.zq-actions {{ display: flex; flex-wrap: wrap; gap: 8px; margin-top: 6px; }}
.zq-hits {{ display: flex; flex-direction: column; gap: 10px; }}
.zq-hit {{ border: 1px solid var(--zq-border); border-radius: 12px; padding: 10px 12px; background: var(--zq-surface); }}
.zq-hit-where {{ font-weight: 600; font-size: 14px; }}
.zq-hit-text {{ margin: 4px 0; line-height: 1.75; overflow-wrap: anywhere; }}
.zq-hit-source {{ font-size: 13px; color: var(--zq-muted); }}
.zq-copy-box {{ margin-top: 10px; border: 1px dashed var(--zq-line); border-radius: 12px; padding: 10px 12px; }}
.zq-copy-label {{ font-size: 13px; color: var(--zq-muted); }}
.zq-copy-text {{ margin: 4px 0 8px; line-height: 1.75; overflow-wrap: anywhere; }}
.zq-directory {{ display: flex; flex-direction: column; gap: 10px; }}
.zq-dir {{ border: 1px solid var(--zq-border); border-radius: 12px; padding: 10px 12px; background: var(--zq-surface); }}
.zq-dir h3 {{ font-size: 16px; margin: 0 0 6px; }}
.zq-dir h3 a {{ color: var(--zq-link); text-decoration: none; }}
.zq-dir p {{ margin: 4px 0; line-height: 1.75; overflow-wrap: anywhere; }}
.zq-dir summary {{ min-height: 44px; display: flex; align-items: center; cursor: pointer; color: var(--zq-link); }}
.zq-label {{ display: inline-block; font-weight: 600; margin-right: 6px; color: var(--zq-accent-text); }}
.zq-empty {{ color: var(--zq-muted); }}
.zq-gap-counts b {{ color: var(--zq-accent-text); }}
.zq-gaps {{ padding-left: 0; list-style: none; display: flex; flex-direction: column; gap: 8px; }}
.zq-gap {{ border: 1px solid var(--zq-border); border-radius: 10px; padding: 8px 12px; background: var(--zq-surface); }}
.zq-gap-q {{ font-weight: 600; overflow-wrap: anywhere; }}
.zq-gap-meta {{ display: flex; flex-wrap: wrap; gap: 8px; font-size: 13px; color: var(--zq-muted); margin-top: 4px; }}
.zq-tag {{ background: var(--zq-notice-bg); color: var(--zq-notice-text); border-radius: 6px; padding: 0 6px; }}
.zq-gap-comments {{ margin: 6px 0 0; padding-left: 18px; font-size: 14px; }}
"""

# Gradio pages: layout, touch targets, the header, the compact embed mode and the source viewer.
APP_CSS = (
    APP_COLOURS
    + CONTENT_CSS
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
    PAGE_COLOURS
    + CONTENT_CSS
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
