/* Copying a text, shared by the chat pages (inlined in their <head>) and the lite page (its own file, so ES5 for
   old WebViews): the clipboard API where the page may use it, else a hidden textarea and execCommand('copy');
   the button then says for two seconds whether it worked. */
window.zqCopy = function (text, button) {
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
};
