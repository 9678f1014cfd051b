/* The Gradio pages' own script, inlined in their <head> after copy.js (which gives window.zqCopy): embed mode,
   the source viewer (a history entry of its own, so Android's back closes it; focus kept inside), copy buttons,
   the question shown while its answer is on the way, Gradio's English notices in Chinese, and where the page
   scrolls to after an answer. Everything works by event delegation, on whatever Gradio renders later; fetched
   fragments are server-escaped HTML. */
(function () {
  document.documentElement.lang = 'zh-CN';
  var params = new URLSearchParams(window.location.search);
  if (params.get('embed') === '1') document.documentElement.classList.add('zq-embed');
  var lastFocus = null;
  var OFFLINE = '网络连接中断了，请检查网络后再提问。';
  // Gradio's own notices that have no translation in Gradio: the text as shown, and what to show instead.
  var CHINESE = {
    'Connection to the server was lost. Attempting reconnection...': '与服务器的连接中断了，正在重新连接…您的对话保存在本机，恢复后可以接着问。',
    'Error': '出错了',
    'Connection errored out.': OFFLINE
  };

  var boot = setInterval(function () {  // the server's "opening… lite page" note, until the chat is drawn
    if (!document.getElementById('zq-question') && !document.getElementById('zq-search-q')) return;
    var note = document.getElementById('zq-boot');
    if (note) note.parentNode.removeChild(note);
    clearInterval(boot);
  }, 250);

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
      '<button type="button" class="zq-btn zq-close">关闭</button></div><div class="zq-viewer-body" tabindex="-1"></div></div>';
    v.addEventListener('click', function (e) { if (e.target === v) closeViewer(); });
    document.body.appendChild(v);
    return v;
  }

  function hide() {
    var v = document.getElementById('zq-viewer');
    if (!v || v.hidden) return;
    v.hidden = true;
    if (lastFocus && lastFocus.focus) lastFocus.focus();
  }

  function closeViewer() {
    // The viewer took a history entry when it opened: going back closes it, as Android's back button does.
    if (history.state && history.state.zqViewer) history.back(); else hide();
  }

  window.addEventListener('popstate', function () { hide(); });

  function openSource(link) {
    var url = link.getAttribute('data-src').split('#')[0];
    var v = viewer();
    var body = v.querySelector('.zq-viewer-body');
    lastFocus = link;
    body.textContent = '正在打开原文…';
    v.querySelector('.zq-viewer-title').textContent = '公告原文';
    if (v.hidden) history.pushState({zqViewer: true}, '');
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

  function trapFocus(e) {
    // Tab and Shift+Tab go round the viewer's own close button and text, never to the page behind it.
    var v = document.getElementById('zq-viewer');
    if (!v || v.hidden || e.key !== 'Tab') return;
    var stops = [v.querySelector('.zq-close'), v.querySelector('.zq-viewer-body')];
    var at = stops.indexOf(document.activeElement);
    e.preventDefault();
    stops[(at + (e.shiftKey ? stops.length - 1 : 1)) % stops.length].focus();
  }

  function share(button) {
    var url = new URL('/?q=' + encodeURIComponent(button.getAttribute('data-share')), window.location.href).href;
    if (navigator.share) {
      navigator.share({title: document.title, url: url}).catch(function () {});
    } else {
      window.zqCopy(url, button);
    }
  }

  // The question as typed, shown at once while its answer is on the way (Gradio's render replaces it).
  window.zqPending = function (text) {
    var log = document.querySelector('#zq-chat .zq-log');
    if (!log || !String(text || '').trim()) return;
    var welcome = log.querySelector('.zq-welcome');
    if (welcome) welcome.parentNode.removeChild(welcome);
    var turn = document.createElement('div');
    turn.className = 'zq-turn zq-pending';
    var question = document.createElement('div');
    question.className = 'zq-q';
    question.textContent = text;
    var answer = document.createElement('div');
    answer.className = 'zq-a zq-waiting';
    answer.setAttribute('aria-busy', 'true');
    answer.textContent = '正在查找公告原文…';
    turn.appendChild(question);
    turn.appendChild(answer);
    log.appendChild(turn);
    window.zqSettle();
  };

  function failPending() {
    var waiting = document.querySelectorAll('#zq-chat .zq-waiting');
    for (var i = 0; i < waiting.length; i++) {
      waiting[i].className = 'zq-notice';
      waiting[i].setAttribute('role', 'alert');
      waiting[i].removeAttribute('aria-busy');
      waiting[i].textContent = OFFLINE;
    }
  }

  function translate(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var english = node.nodeValue.trim();
      if (!Object.prototype.hasOwnProperty.call(CHINESE, english)) continue;
      if (english !== 'Error' || node.parentNode.closest('.toast-body')) node.nodeValue = CHINESE[english];
      if (english.indexOf('Connection') === 0) failPending();
    }
  }

  new MutationObserver(function (mutations) {
    for (var i = 0; i < mutations.length; i++) {
      var added = mutations[i].addedNodes;
      for (var j = 0; j < added.length; j++) {
        if (added[j].nodeType === 1 || added[j].nodeType === 3) translate(added[j].nodeType === 1 ? added[j] : added[j].parentNode);
      }
    }
  }).observe(document.documentElement, {childList: true, subtree: true});

  // After an answer: the ?q= that asked it leaves the address (a reload must not ask again), and the page
  // scrolls only as far as needed: a turn that fits stays just above the input, a longer one shows its start.
  window.zqSettle = function () {
    var address = new URL(window.location.href);
    if (address.searchParams.has('q')) {
      address.searchParams.delete('q');
      history.replaceState(history.state, '', address.pathname + address.search + address.hash);
    }
    var turns = document.querySelectorAll('#zq-chat .zq-turn, #zq-chat .zq-notice');
    var last = turns[turns.length - 1];
    if (!last) return;
    var ask = document.getElementById('zq-ask');
    var bottom = ask ? ask.getBoundingClientRect().top : window.innerHeight;
    var box = last.getBoundingClientRect();
    if (box.top >= 0 && box.bottom <= bottom) return;
    var by = box.height <= bottom ? box.bottom - bottom + 8 : box.top - 8;
    window.scrollBy({top: by, behavior: 'smooth'});
  };

  // Once an answer is drawn: the suggested starters close when the conversation has an answer and open again
  // when it is cleared, and 清空对话 shows when there is anything to clear. Gradio's updates for the two; only
  // when the conversation drawn changed, so a thumb or a comment leaves them as the citizen left them.
  var drawnLog = null;
  window.zqParts = function () {
    var log = document.querySelector('#zq-chat .zq-log');
    var drawn = log ? log.innerHTML : '';
    var keep = {__type__: 'update'};
    if (drawn === drawnLog) return [keep, keep];
    drawnLog = drawn;
    var answered = !!(log && log.querySelector('.zq-turn:not(.zq-pending)'));
    var any = answered || !!(log && log.querySelector('.zq-notice'));
    return [{__type__: 'update', open: !answered}, {__type__: 'update', visible: any}];
  };

  document.addEventListener('click', function (e) {
    var target = e.target instanceof Element ? e.target : null;
    if (!target) return;
    var source = target.closest('[data-src]');
    if (source) { e.preventDefault(); openSource(source); return; }
    if (target.closest('.zq-close')) { closeViewer(); return; }
    var copyButton = target.closest('[data-copy]');
    if (copyButton) { e.preventDefault(); window.zqCopy(copyButton.getAttribute('data-copy'), copyButton); return; }
    var shareButton = target.closest('[data-share]');
    if (shareButton) { e.preventDefault(); share(shareButton); }
  });
  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape') closeViewer();
    trapFocus(e);
  });
})();
