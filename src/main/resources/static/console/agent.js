// The agent panel: a streamed chat with the orchestrator agent. Tool calls appear as they happen, a generated
// workflow is previewed as a graph with its dry-run result, and a consequential action waits for the user's
// confirm or decline (POST /api/agent/conversations/{id}/confirmations/{cid}).
import { api, csrfToken } from './api.js';
import { h, json, problemText } from './dom.js';
import { drawGraph } from './graph.js';

/** Reads a text/event-stream response, calling onEvent(name, data) for each event. */
async function readEvents(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
    let cut;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      let name = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) name = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) {
        let parsed;
        try { parsed = JSON.parse(data.join('\n')); } catch { parsed = { text: data.join('\n') }; }
        onEvent(name, parsed);
      }
    }
  }
}

export function agentView(show) {
  let conversationId = null;
  let busy = false;
  const log = h('div', { id: 'chat-log', class: 'chat', role: 'log', 'aria-live': 'polite' });
  const input = h('textarea', { id: 'chat-input', rows: 3, placeholder: 'e.g. What is waiting for me?' });
  const send = h('button', { type: 'submit', class: 'primary', id: 'chat-send' }, 'Send');
  const status = h('p', { class: 'muted', id: 'chat-status' });
  const toolEntries = new Map();

  function preview(result) {
    const box = h('div', { class: 'draft-preview' });
    if (result.definition && Array.isArray(result.definition.nodes)) {
      box.appendChild(h('h4', {}, `Draft ${result.draftId || ''}: ${result.definition.name || ''}`));
      drawGraph(box, result.definition, { idPrefix: `draft-${result.draftId || 'x'}`, label: 'Generated workflow' });
    }
    if (Array.isArray(result.violations) && result.violations.length) {
      box.appendChild(h('ul', { class: 'errors' }, ...result.violations.map(v => h('li', {}, `${v.path}: ${v.message}`))));
    }
    if (result.dryRun) box.appendChild(h('details', { open: true }, h('summary', {}, 'Dry run'), h('pre', { class: 'dry-run' }, json(result.dryRun))));
    return box;
  }

  function confirmationCard(c) {
    const state = h('p', { class: 'muted' }, c.status || 'pending');
    const decide = async decision => {
      try {
        const r = await api('POST', `/api/agent/conversations/${encodeURIComponent(conversationId)}/confirmations/${encodeURIComponent(c.id)}`,
          { decision });
        state.textContent = `${r.status}${r.result?.error ? `: ${r.result.error.message}` : ''}`;
        for (const b of card.querySelectorAll('button')) b.disabled = true;
      } catch (e) { state.textContent = problemText(e); }
    };
    const pending = (c.status || 'pending') === 'pending';
    const card = h('div', { class: 'card confirmation', 'data-confirmation': c.id },
      h('strong', {}, `Confirm: ${c.action}`), h('p', {}, c.summary), state,
      pending ? h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'primary', 'data-decision': 'confirm', onclick: () => decide('confirm') }, 'Confirm'),
        h('button', { type: 'button', 'data-decision': 'decline', onclick: () => decide('decline') }, 'Decline')) : null);
    return card;
  }

  async function ask(message) {
    busy = true;
    send.disabled = true;
    status.textContent = 'The agent is answering…';
    log.appendChild(h('div', { class: 'msg user' }, h('strong', {}, 'You: '), message));
    const reply = h('span', { class: 'reply-text' });
    const bubble = h('div', { class: 'msg agent' }, h('strong', {}, 'Agent: '), reply);
    log.appendChild(bubble);
    try {
      const headers = { 'Content-Type': 'application/json', Accept: 'text/event-stream' };
      if (csrfToken()) headers['X-CSRF-Token'] = csrfToken();
      const r = await fetch('/api/agent/chat', { method: 'POST', credentials: 'same-origin', headers,
        body: JSON.stringify(conversationId ? { message, conversationId } : { message }) });
      if (!r.ok) {
        const p = await r.json().catch(() => ({}));
        reply.textContent = `${p.detail || r.status} (${p.code || 'error'})`;
        reply.className = 'error';
        return;
      }
      await readEvents(r, (name, d) => {
        if (name === 'conversation') conversationId = d.conversationId;
        else if (name === 'delta') reply.textContent += d.text || '';
        else if (name === 'message') reply.textContent = d.text || reply.textContent;
        else if (name === 'tool_call') {
          const entry = h('details', { class: 'tool', 'data-tool': d.name }, h('summary', {}, `Tool ${d.name}`),
            h('pre', {}, json(d.arguments)));
          toolEntries.set(d.id, entry);
          log.insertBefore(entry, bubble);
        } else if (name === 'tool_result') {
          const entry = toolEntries.get(d.id) || log.insertBefore(h('details', { class: 'tool' }, h('summary', {}, `Tool ${d.name}`)), bubble);
          entry.appendChild(h('pre', { class: 'tool-result' }, json(d.result)));
          if (d.result?.error) entry.querySelector('summary').textContent += ` · refused: ${d.result.error.code}`;
          if (d.name === 'generate_workflow' && d.result && !d.result.error) log.insertBefore(preview(d.result), bubble);
        } else if (name === 'confirmation') {
          const old = log.querySelector(`[data-confirmation="${CSS.escape(d.id)}"]`);
          const card = confirmationCard(d);
          if (old) old.replaceWith(card); else log.insertBefore(card, bubble);
        } else if (name === 'error') {
          bubble.appendChild(h('p', { class: 'error' }, `${d.message} (${d.code})`));
        }
      });
    } catch (e) {
      bubble.appendChild(h('p', { class: 'error' }, String(e)));
    } finally {
      busy = false;
      send.disabled = false;
      status.textContent = conversationId ? `Conversation ${conversationId}` : '';
      log.scrollTop = log.scrollHeight;
    }
  }

  const form = h('form', { class: 'chat-form', 'aria-label': 'Message the agent' },
    h('label', { for: 'chat-input' }, 'Message'), input, h('div', { class: 'actions' }, send), status);
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const m = input.value.trim();
    if (!m || busy) return;
    input.value = '';
    ask(m);
  });
  input.addEventListener('keydown', ev => { if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) form.requestSubmit(); });
  show(h('h1', {}, 'Agent'), h('p', { class: 'muted' }, 'Ask in plain language. Consequential actions wait for your confirmation.'),
    log, form);
  input.focus();
}
