// Builds DOM nodes from data; text always goes in as text, never as HTML.
export function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (k === 'class') e.className = v;
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    e.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  return isNaN(d) ? String(iso) : d.toLocaleString();
}

export function json(v) { return JSON.stringify(v, null, 2); }

let toastTimer;
export function toast(message) {
  const t = document.getElementById('toast');
  t.textContent = message;
  t.classList.add('show');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => t.classList.remove('show'), 5000);
}

/** A problem+json as readable lines: the message, then each violation with its path. */
export function problemText(e) {
  const lines = [e.message + (e.code ? ` (${e.code})` : '')];
  for (const v of e.errors || []) {
    if (v.message && v.message !== e.message) lines.push(`${v.path || ''}: ${v.message}`);
  }
  return lines.join('\n');
}
