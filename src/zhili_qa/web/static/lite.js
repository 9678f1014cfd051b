/* The lite page's script, written in ES5 for old WebViews (WeChat's in-app browsers lag behind Chrome).
   Without it the form posts and the server returns the whole page; with it the same form is posted in the
   background, the question shows at once and the answer is added in place. */
(function () {
  'use strict';
  var form = document.getElementById('zq-form');
  if (!form || !window.XMLHttpRequest || !window.JSON || !document.querySelector) return;
  var box = document.getElementById('zq-q');
  var log = document.getElementById('zq-log');
  var history = document.getElementById('zq-history');
  var chips = document.getElementById('zq-chips');
  var count = document.getElementById('zq-count');
  var send = document.getElementById('zq-send');
  var max = parseInt(box.getAttribute('data-max'), 10) || 500;
  var KEY = 'zq-lite';
  var OFFLINE = '网络连接中断了，您的问题还在输入框里，请检查网络后再点“提问”。';
  var FAILED = '抱歉，系统出了点问题，请稍后再试。';
  var busy = false;

  function make(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    if (text) node.appendChild(document.createTextNode(text));
    return node;
  }

  function counter() {
    var n = box.value.length;
    if (n > max) count.textContent = '已输入' + n + '字，超出' + (n - max) + '字，请删减到' + max + '字以内再提问。';
    else count.textContent = n > max * 0.8 ? n + ' / ' + max : '';
  }

  function save() {
    try {
      sessionStorage.setItem(KEY, JSON.stringify({log: log.innerHTML, history: history.value, chips: chips.innerHTML}));
    } catch (e) { /* private mode or full storage: the page still works, only Back may start afresh */ }
  }

  function restore() {
    // Back from the original text page, when the browser did not keep this page: the conversation as it was.
    if (log.getAttribute('data-fresh') !== '1') return;
    try {
      var saved = JSON.parse(sessionStorage.getItem(KEY) || 'null');
      if (saved && saved.log) {
        log.innerHTML = saved.log;
        history.value = saved.history;
        chips.innerHTML = saved.chips;
        log.removeAttribute('data-fresh');
      }
    } catch (e) { /* nothing saved that can be read */ }
  }

  function showCopyButtons() {
    var buttons = log.querySelectorAll('[data-copy][hidden]');
    for (var i = 0; i < buttons.length; i++) buttons[i].removeAttribute('hidden');
  }

  function settle(pending, question, html, ok) {
    var holder = document.createElement('div');
    holder.innerHTML = html;
    var turn = holder.querySelector('.zq-turn');
    log.replaceChild(turn, pending);
    if (!ok) box.value = question;
    showCopyButtons();
    counter();
    save();
    turn.scrollIntoView(true);
  }

  function fail(pending, question, message) {
    var answer = pending.querySelector('.zq-a');
    pending.className = 'zq-turn';
    pending.replaceChild(make('div', 'zq-notice', message), answer);
    pending.lastChild.setAttribute('role', 'alert');
    box.value = question;
    counter();
  }

  function ask(question) {
    if (busy) return;
    if (!question.replace(/\s+/g, '')) { box.focus(); return; }  // an empty send adds nothing
    if (question.length > max) { counter(); box.focus(); return; }
    busy = true;
    send.disabled = true;
    var welcome = log.querySelector('.zq-welcome');
    if (welcome) log.removeChild(welcome);
    var last = document.getElementById('zq-new');
    if (last) last.removeAttribute('id');
    var pending = make('div', 'zq-turn zq-pending');
    pending.id = 'zq-new';
    pending.appendChild(make('div', 'zq-q', question));
    var waiting = make('div', 'zq-a', '正在查找公告原文…');
    waiting.setAttribute('aria-busy', 'true');
    pending.appendChild(waiting);
    log.appendChild(pending);
    box.value = '';
    counter();
    pending.scrollIntoView(false);

    var xhr = new XMLHttpRequest();
    xhr.open('POST', form.getAttribute('action').split('#')[0], true);
    xhr.setRequestHeader('Content-Type', 'application/x-www-form-urlencoded');
    xhr.setRequestHeader('X-Requested-With', 'XMLHttpRequest');
    xhr.timeout = 30000;
    xhr.onreadystatechange = function () {
      if (xhr.readyState !== 4) return;
      busy = false;
      send.disabled = false;
      var data = null;
      if (xhr.status === 200) {
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = null; }
      }
      if (!data) { fail(pending, question, xhr.status === 0 ? OFFLINE : FAILED); return; }
      history.value = JSON.stringify(data.history);
      chips.innerHTML = data.chips;
      settle(pending, question, data.turn, data.ok);
    };
    xhr.send('q=' + encodeURIComponent(question) + '&history=' + encodeURIComponent(history.value));
  }

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    ask(box.value);
  });
  form.addEventListener('click', function (e) {
    var target = e.target;
    if (target.className === 'zq-chip') { e.preventDefault(); ask(target.value); }
  });
  log.addEventListener('click', function (e) {
    var target = e.target;
    if (target.getAttribute && target.getAttribute('data-copy') !== null) window.zqCopy(target.getAttribute('data-copy'), target);
  });
  box.addEventListener('input', counter);
  box.addEventListener('keydown', function (e) {
    // Enter asks, Shift+Enter is a new line; not while an input method is still composing Chinese.
    if (e.keyCode === 13 && !e.shiftKey && !e.isComposing) { e.preventDefault(); ask(box.value); }
  });
  restore();
  showCopyButtons();
  counter();
  if (log.getAttribute('data-fresh') !== '1') save();
})();
