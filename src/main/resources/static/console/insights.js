// The insights dashboard: runs by status over time, per-workflow outcomes and durations, LLM costs — from
// GET /api/insights/*, drawn with ECharts (a WebJar, loaded on first use).
import { api } from './api.js';
import { h } from './dom.js';

let loading = null;
function echarts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = '/webjars/echarts/5.3.1/dist/echarts.min.js';
      s.onload = () => resolve(window.echarts);
      s.onerror = () => reject(new Error('the chart library did not load'));
      document.head.appendChild(s);
    });
  }
  return loading;
}

const COLORS = { COMPLETED: '#1a7f37', FAILED: '#cf222e', CANCELED: '#8c959f', RUNNING: '#0969da', WAITING: '#9a6700',
  PAUSED: '#bf8700', TERMINATED: '#82071e', TIMED_OUT: '#a40e26' };

function fmtMs(ms) {
  if (ms === null || ms === undefined) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : ms < 120000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 60000).toFixed(1)} min`;
}

export async function insightsView(show, params, track) {
  const bucket = params.get('bucket') || 'day';
  const days = Number(params.get('days') || (bucket === 'month' ? 365 : bucket === 'week' ? 90 : 30));
  const to = new Date();
  const from = new Date(to.getTime() - days * 86400000);
  const range = `from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
  const [executions, workflows, costs, lib] = await Promise.all([
    api('GET', `/api/insights/executions?${range}&bucket=${bucket}`),
    api('GET', `/api/insights/workflows?${range}`),
    api('GET', `/api/insights/costs?${range}`),
    echarts()]);
  const bucketSel = h('select', { id: 'bucket', 'aria-label': 'Bucket' }, ...['day', 'week', 'month'].map(b =>
    h('option', { value: b, selected: b === bucket }, b)));
  bucketSel.addEventListener('change', () => { location.hash = `#/insights?bucket=${bucketSel.value}`; });
  const execChart = h('div', { class: 'chart', id: 'chart-executions', role: 'img',
    'aria-label': `Runs by status per ${bucket}: ${executions.total} in all` });
  const costChart = h('div', { class: 'chart', id: 'chart-costs', role: 'img',
    'aria-label': `LLM tokens per day: ${costs.totals?.tokensIn ?? 0} in, ${costs.totals?.tokensOut ?? 0} out` });
  show(h('h1', {}, 'Insights'),
    h('div', { class: 'filters' }, h('div', {}, h('label', { for: 'bucket' }, 'Bucket'), bucketSel),
      h('p', { class: 'muted' }, `${from.toLocaleDateString()} – ${to.toLocaleDateString()}, UTC buckets`)),
    h('div', { class: 'panel' }, h('h2', {}, `Runs (${executions.total})`), execChart),
    h('div', { class: 'panel' }, h('h2', {}, 'Workflows'),
      h('table', { class: 'responsive', id: 'insights-workflows' },
        h('thead', {}, h('tr', {}, ...['Workflow', 'Runs', 'Completed', 'Failed', 'Success', 'p50', 'p95', 'Human waits'].map(t => h('th', {}, t)))),
        h('tbody', {}, ...(workflows.workflows || []).map(w => h('tr', {},
          h('td', {}, h('a', { href: `#/workflows/${encodeURIComponent(w.workflowId)}` }, w.workflowId)), h('td', {}, w.runs),
          h('td', {}, w.completed), h('td', {}, w.failed),
          h('td', {}, w.successRate === null || w.successRate === undefined ? '–' : `${(w.successRate * 100).toFixed(1)} %`),
          h('td', {}, fmtMs(w.durationMs?.p50)), h('td', {}, fmtMs(w.durationMs?.p95)),
          h('td', {}, w.humanWait ? `${w.humanWait.tasks} (${fmtMs(w.humanWait.waitMs)})` : '–')))))),
    h('div', { class: 'panel' }, h('h2', {}, 'LLM usage'),
      h('p', { id: 'cost-totals' }, `${costs.totals?.calls ?? 0} calls · ${costs.totals?.tokensIn ?? 0} tokens in · `
        + `${costs.totals?.tokensOut ?? 0} out · cost ${costs.totals?.cost ?? '–'}`), costChart));
  const statuses = [...new Set(executions.buckets.flatMap(b => Object.keys(b.counts)))];
  const charts = [];
  const exec = lib.init(execChart);
  exec.setOption({
    animation: false,
    tooltip: { trigger: 'axis' }, legend: { data: statuses }, grid: { left: 40, right: 16, bottom: 40 },
    xAxis: { type: 'category', data: executions.buckets.map(b => b.start.slice(0, 10)) }, yAxis: { type: 'value', minInterval: 1 },
    series: statuses.map(s => ({ name: s, type: 'bar', stack: 'runs', itemStyle: { color: COLORS[s] }, data: executions.buckets.map(b => b.counts[s] || 0) })),
  });
  charts.push(exec);
  const byDay = new Map();
  for (const r of costs.items || []) {
    const d = byDay.get(r.day) || { in: 0, out: 0 };
    d.in += r.tokensIn || 0; d.out += r.tokensOut || 0;
    byDay.set(r.day, d);
  }
  const daysSorted = [...byDay.keys()].sort();
  const cost = lib.init(costChart);
  cost.setOption({
    animation: false,
    tooltip: { trigger: 'axis' }, legend: { data: ['tokens in', 'tokens out'] }, grid: { left: 56, right: 16, bottom: 40 },
    xAxis: { type: 'category', data: daysSorted }, yAxis: { type: 'value' },
    series: [{ name: 'tokens in', type: 'bar', data: daysSorted.map(d => byDay.get(d).in) },
      { name: 'tokens out', type: 'bar', data: daysSorted.map(d => byDay.get(d).out) }],
  });
  charts.push(cost);
  const resize = () => charts.forEach(c => c.resize());
  window.addEventListener('resize', resize);
  track(() => { window.removeEventListener('resize', resize); charts.forEach(c => c.dispose()); });
}
