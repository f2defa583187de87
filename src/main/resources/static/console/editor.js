// The workflow editor: nodes from the catalogue, ports connected by dragging (or with the keyboard), each
// node's config in a form generated from its type's JSON schema, violations from POST /api/workflows/validate
// shown on the node and field they belong to, a single node tested, and the result saved as a new version.
import { api } from './api.js';
import { h, json, problemText } from './dom.js';
import { drawGraph } from './graph.js';

let catalogue = null;

async function types() {
  if (!catalogue) catalogue = (await api('GET', '/api/node-types')).nodeTypes;
  return catalogue;
}

/** The schema of one property, without the "or null" that optional fields carry. */
function plain(p) {
  if (!p) return {};
  if (Array.isArray(p.anyOf)) {
    const other = p.anyOf.filter(x => x.type !== 'null');
    if (other.length === 1) return { ...other[0], description: p.description };
  }
  if (Array.isArray(p.type)) {
    const t = p.type.filter(x => x !== 'null');
    return { ...p, type: t.length === 1 ? t[0] : undefined };
  }
  return p;
}

const LONG = new Set(['source', 'prompt', 'system', 'description', 'condition', 'template', 'text', 'expression']);

export async function editorView(show, workflowId) {
  const catalogueTypes = await types();
  const byType = new Map(catalogueTypes.map(t => [t.type, t]));
  let def;
  let version = null;
  if (workflowId) {
    const wf = await api('GET', `/api/workflows/${encodeURIComponent(workflowId)}`);
    def = structuredClone(wf.definition);
    version = wf.version;
  } else {
    def = { name: 'New workflow', nodes: [], edges: [] };
  }
  def.edges = def.edges || [];
  let selected = null;
  let violations = [];
  const ports = new Map();

  const graphBox = h('div', { class: 'panel', id: 'editor-graph' });
  const side = h('div', { class: 'panel', id: 'node-form' });
  const problems = h('ul', { class: 'errors', id: 'editor-errors', 'aria-live': 'polite' });
  const validity = h('p', { id: 'validity', role: 'status' });
  const saveErr = h('pre', { class: 'error', role: 'alert', id: 'save-error' });
  const nameInput = h('input', { type: 'text', id: 'wf-name', value: def.name || '' });
  const idInput = h('input', { type: 'text', id: 'wf-id', value: def.id || '', disabled: !!workflowId,
    'aria-describedby': 'wf-id-help' });
  const jsonArea = h('textarea', { id: 'json-view', rows: 16, 'aria-label': 'Definition as JSON' });
  const jsonErr = h('p', { class: 'error', role: 'alert' });

  const nodeIndex = id => def.nodes.findIndex(n => n.id === id);
  const uniqueNodeId = type => {
    const base = type.replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '') || 'node';
    let i = 1;
    while (def.nodes.some(n => n.id === `${base}${i}`)) i++;
    return `${base}${i}`;
  };

  // ---- validation and ports, debounced --------------------------------------------------------------
  let timer = null;
  const changed = () => {
    jsonArea.value = json(def);
    clearTimeout(timer);
    timer = setTimeout(validate, 350);
  };
  async function refreshPorts(ids) {
    await Promise.all(ids.map(async id => {
      const n = def.nodes.find(x => x.id === id);
      if (!n || !byType.has(n.type)) return;
      try {
        const r = await api('POST', `/api/node-types/${encodeURIComponent(n.type)}/ports`, n.config || {});
        ports.set(id, r.ports || ['main']);
      } catch { ports.set(id, ['main']); }
    }));
  }
  async function validate() {
    try {
      const r = await api('POST', '/api/workflows/validate', def);
      violations = r.errors || [];
      validity.textContent = r.valid ? 'Valid: ready to save.' : `${violations.length} problem(s) to fix before saving.`;
      validity.className = r.valid ? 's-COMPLETED' : 'error';
    } catch (e) {
      violations = e.errors || [];
      validity.textContent = problemText(e);
      validity.className = 'error';
    }
    await refreshPorts(def.nodes.map(n => n.id));
    redraw();
  }

  function nodeViolations(id) {
    const i = nodeIndex(id);
    return violations.filter(v => v.path === `/nodes/${i}` || (v.path || '').startsWith(`/nodes/${i}/`));
  }

  // ---- drawing --------------------------------------------------------------------------------------
  let redrawHeld = false;
  function redraw() {
    // Never under the pointer of a drag in progress: the validation's redraw waits until the drop.
    if (graphBox.querySelector('svg[data-dragging]')) { redrawHeld = true; return; }
    redrawHeld = false;
    const invalid = new Set(def.nodes.filter(n => nodeViolations(n.id).length).map(n => n.id));
    graphBox.replaceChildren();
    if (def.nodes.length === 0) {
      graphBox.appendChild(h('p', { class: 'muted' }, 'Add a node from the catalogue.'));
    } else {
      const g = drawGraph(graphBox, def, { idPrefix: 'ed', label: 'Workflow being edited', invalid,
        ports: id => ports.get(id) || ['main'],
        onSelect: id => { selected = id; redraw(); },
        onConnect: (from, port, to) => connect(from, port, to),
        onDragEnd: () => { if (redrawHeld) redraw(); } });
      if (selected) g.select(selected);
    }
    problems.replaceChildren(...violations.filter(v => !/^\/nodes\/\d+\/config\//.test(v.path || ''))
      .map(v => h('li', {}, `${v.path || '/'}: ${v.message} (${v.code})`)));
    renderForm();
  }

  function connect(from, port, to) {
    if (def.edges.some(e => e.from === from && (e.port || 'main') === port && e.to === to)) return;
    def.edges.push(port === 'main' ? { from, to } : { from, port, to });
    changed();
    redraw();
  }

  // ---- the selected node's form ---------------------------------------------------------------------
  function fieldFor(node, name, prop, required) {
    const p = plain(prop);
    const id = `cfg-${name}`;
    const value = node.config?.[name];
    const set = v => {
      node.config = node.config || {};
      if (v === undefined) delete node.config[name]; else node.config[name] = v;
      changed();
    };
    let input;
    const err = h('span', { class: 'field-error', id: `err-${id}`, role: 'alert' });
    if (Array.isArray(p.enum)) {
      input = h('select', { id, name }, h('option', { value: '' }, required ? '(choose)' : '(default)'),
        ...p.enum.map(v => h('option', { value: String(v), selected: String(v) === String(value ?? '') }, String(v))));
      input.addEventListener('change', () => set(input.value === '' ? undefined : input.value));
    } else if (p.type === 'boolean') {
      input = h('select', { id, name }, h('option', { value: '' }, '(default)'),
        h('option', { value: 'true', selected: value === true }, 'true'), h('option', { value: 'false', selected: value === false }, 'false'));
      input.addEventListener('change', () => set(input.value === '' ? undefined : input.value === 'true'));
    } else if (p.type === 'integer' || p.type === 'number') {
      input = h('input', { type: 'text', inputmode: 'decimal', id, name, value: value ?? '' });
      input.addEventListener('input', () => {
        const t = input.value.trim();
        set(t === '' ? undefined : (isNaN(Number(t)) ? t : Number(t)));
      });
    } else if (p.type === 'string') {
      input = LONG.has(name) || p['x-weft-expression'] ? h('textarea', { id, name, rows: 3 }, value ?? '')
        : h('input', { type: 'text', id, name, value: value ?? '' });
      input.addEventListener('input', () => set(input.value === '' ? undefined : input.value));
    } else {
      // Objects, lists and free values: JSON.
      input = h('textarea', { id, name, rows: 4, class: 'json' }, value === undefined ? '' : json(value));
      input.addEventListener('input', () => {
        const t = input.value.trim();
        if (t === '') { err.textContent = ''; set(undefined); return; }
        try { const v = JSON.parse(t); err.textContent = ''; set(v); } catch { err.textContent = 'not JSON yet'; }
      });
    }
    input.setAttribute('aria-describedby', `help-${id} err-${id}`);
    return h('div', { class: 'field' }, h('label', { for: id }, `${name}${required ? ' *' : ''}`), input,
      h('span', { class: 'field-help', id: `help-${id}` }, p.description || prop?.description || ''), err);
  }

  function renderForm() {
    const node = def.nodes.find(n => n.id === selected);
    if (!node) {
      side.replaceChildren(h('h2', {}, 'Node'), h('p', { class: 'muted' }, 'Select a node in the graph to edit it.'));
      return;
    }
    if (side.dataset.node === selected) {
      // The same node (after a validation): keep the inputs as typed, refresh the error slots and the ports.
      showFieldErrors(node);
      const sel = document.getElementById('connect-port');
      const want = ports.get(node.id) || ['main'];
      if (sel && [...sel.options].map(o => o.value).join('|') !== want.join('|')) {
        sel.replaceChildren(...want.map(p => h('option', { value: p }, p)));
      }
      return;
    }
    side.dataset.node = selected;
    const t = byType.get(node.type);
    const schema = t?.configSchema || { properties: {} };
    const required = new Set(schema.required || []);
    const idField = h('input', { type: 'text', id: 'node-id', value: node.id });
    idField.addEventListener('change', () => {
      const old = node.id;
      const next = idField.value.trim();
      if (!next || next === old) return;
      node.id = next;
      for (const e of def.edges) { if (e.from === old) e.from = next; if (e.to === old) e.to = next; }
      ports.set(next, ports.get(old));
      selected = next;
      changed();
      redraw();
    });
    const nameField = h('input', { type: 'text', id: 'node-name', value: node.name || '' });
    nameField.addEventListener('input', () => { if (nameField.value) node.name = nameField.value; else delete node.name; changed(); });
    const onError = h('select', { id: 'node-onerror' }, ...['fail', 'continue', 'branch', 'ask'].map(v =>
      h('option', { value: v, selected: (node.onError || 'fail') === v }, v)));
    onError.addEventListener('change', () => { if (onError.value === 'fail') delete node.onError; else node.onError = onError.value; changed(); });
    const out = def.edges.filter(e => e.from === node.id);
    const portSel = h('select', { id: 'connect-port', 'aria-label': 'Port' }, ...(ports.get(node.id) || ['main']).map(p => h('option', { value: p }, p)));
    const targetSel = h('select', { id: 'connect-target', 'aria-label': 'Target node' },
      ...def.nodes.filter(n => n.id !== node.id).map(n => h('option', { value: n.id }, n.id)));
    const testInput = h('textarea', { id: 'test-input', rows: 3, 'aria-label': 'Test input (JSON)' }, '{}');
    const testOut = h('pre', { id: 'test-output' });
    const runTest = async () => {
      testOut.textContent = 'Running…';
      let input;
      try { input = JSON.parse(testInput.value || '{}'); } catch { testOut.textContent = 'The test input is not JSON.'; return; }
      try { testOut.textContent = json(await api('POST', '/api/workflows/test-node', { definition: def, nodeId: node.id, input })); }
      catch (e) { testOut.textContent = problemText(e); }
    };
    side.replaceChildren(
      h('h2', {}, `${node.id}`), h('p', { class: 'muted' }, `${node.type}: ${t?.description || ''}`),
      h('label', { for: 'node-id' }, 'Id'), idField,
      h('label', { for: 'node-name' }, 'Name'), nameField,
      h('label', { for: 'node-onerror' }, 'On error'), onError,
      h('span', { class: 'field-error', id: 'err-node', role: 'alert' }),
      h('h3', {}, 'Config'),
      ...Object.entries(schema.properties || {}).map(([name, prop]) => fieldFor(node, name, prop, required.has(name))),
      h('h3', {}, 'Connections'),
      h('ul', { id: 'edge-list' }, ...out.map(e => h('li', {}, `${e.port || 'main'} → ${e.to} `,
        h('button', { type: 'button', 'aria-label': `Remove edge ${e.port || 'main'} to ${e.to}`, onclick: () => {
          def.edges.splice(def.edges.indexOf(e), 1); side.dataset.node = ''; changed(); redraw(); } }, 'Remove')))),
      h('div', { class: 'actions' }, portSel, targetSel,
        h('button', { type: 'button', id: 'connect', onclick: () => { side.dataset.node = ''; connect(node.id, portSel.value, targetSel.value); } }, 'Connect')),
      h('h3', {}, 'Test this node'), testInput,
      h('div', { class: 'actions' }, h('button', { type: 'button', id: 'test-node', onclick: runTest }, 'Run this node once')),
      testOut,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'danger', id: 'delete-node', onclick: () => {
        def.nodes.splice(nodeIndex(node.id), 1);
        def.edges = def.edges.filter(e => e.from !== node.id && e.to !== node.id);
        selected = null; side.dataset.node = ''; changed(); redraw();
      } }, 'Delete node')));
    showFieldErrors(node);
  }

  function showFieldErrors(node) {
    const i = nodeIndex(node.id);
    for (const slot of side.querySelectorAll('.field-error')) slot.textContent = '';
    const general = [];
    for (const v of nodeViolations(node.id)) {
      const m = new RegExp(`^/nodes/${i}/config/([^/]+)`).exec(v.path || '');
      const slot = m && document.getElementById(`err-cfg-${m[1]}`);
      if (slot) slot.textContent = `${slot.textContent ? slot.textContent + ' ' : ''}${v.message}`;
      else general.push(`${v.path}: ${v.message}`);
    }
    const nodeSlot = document.getElementById('err-node');
    if (nodeSlot) nodeSlot.textContent = general.join('\n');
  }

  // ---- palette, save, JSON --------------------------------------------------------------------------
  const filter = h('input', { type: 'search', id: 'palette-search', placeholder: 'filter types', 'aria-label': 'Filter node types' });
  const list = h('div', { id: 'palette-list' });
  const fillPalette = () => {
    const q = filter.value.trim().toLowerCase();
    list.replaceChildren(...catalogueTypes.filter(t => !q || t.type.includes(q) || (t.description || '').toLowerCase().includes(q))
      .map(t => h('button', { type: 'button', 'data-type': t.type, title: t.description, onclick: () => {
        const id = uniqueNodeId(t.type);
        def.nodes.push({ id, type: t.type, config: {} });
        selected = id;
        side.dataset.node = '';
        changed();
        refreshPorts([id]).then(redraw);
      } }, t.type, ' ', h('span', { class: 'kind' }, t.kind.toLowerCase()))));
  };
  filter.addEventListener('input', fillPalette);
  fillPalette();
  nameInput.addEventListener('input', () => { def.name = nameInput.value; changed(); });
  idInput.addEventListener('input', () => { if (idInput.value.trim()) def.id = idInput.value.trim(); else delete def.id; changed(); });
  const save = async () => {
    saveErr.textContent = '';
    try {
      const r = workflowId ? await api('PUT', `/api/workflows/${encodeURIComponent(workflowId)}`, def)
        : await api('POST', '/api/workflows', def);
      location.hash = `#/workflows/${encodeURIComponent(r.id)}`;
    } catch (e) { saveErr.textContent = problemText(e); }
  };
  const applyJson = () => {
    try {
      const next = JSON.parse(jsonArea.value);
      if (!next || !Array.isArray(next.nodes)) throw new Error('a definition has a nodes list');
      def = next;
      def.edges = def.edges || [];
      jsonErr.textContent = '';
      selected = null;
      side.dataset.node = '';
      nameInput.value = def.name || '';
      changed();
    } catch (e) { jsonErr.textContent = `Not applied: ${e.message}`; }
  };

  show(h('h1', {}, workflowId ? `Edit ${workflowId} (from v${version})` : 'New workflow'),
    h('div', { class: 'filters' },
      h('div', {}, h('label', { for: 'wf-name' }, 'Name'), nameInput),
      h('div', {}, h('label', { for: 'wf-id' }, 'Id'), idInput,
        h('span', { class: 'field-help', id: 'wf-id-help' }, workflowId ? 'fixed once saved' : 'optional: derived from the name')),
      h('button', { type: 'button', class: 'primary', id: 'save-workflow', onclick: save }, workflowId ? 'Save new version' : 'Save')),
    validity, saveErr,
    h('div', { class: 'editor' },
      h('div', { class: 'panel palette' }, h('h2', {}, 'Add a node'), filter, list),
      h('div', {}, graphBox, h('ul', { class: 'errors' }), problems,
        h('details', {}, h('summary', {}, 'JSON view'), jsonArea,
          h('div', { class: 'actions' }, h('button', { type: 'button', id: 'apply-json', onclick: applyJson }, 'Apply JSON')), jsonErr)),
      side));
  jsonArea.value = json(def);
  await validate();
}
