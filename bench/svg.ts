/** Plain SVG charts for BENCHMARKS.md and the README: no dependencies, readable on light and dark pages. */
import type { ScenarioResult } from './harness.js';

const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif" font-size="12"';
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Horizontal bars, one per contender, longest = slowest; lru-memo in orange, floors in grey. */
export function barChart(result: ScenarioResult): string {
  const rowHeight = 26;
  const labelWidth = 300;
  const barWidth = 380;
  const top = 34;
  const height = top + result.rows.length * rowHeight + 12;
  const max = Math.max(...result.rows.map((row) => row.nsPerOp));
  const isRate = result.unit.startsWith('requests');
  const bars = result.rows.map((row, i) => {
    const y = top + i * rowHeight;
    const width = Math.max(2, (row.nsPerOp / max) * barWidth);
    const color = row.name.startsWith('lru-memo') ? '#e8710a' : row.floor ? '#9aa0a6' : '#4285f4';
    const value = isRate ? `${Math.round(row.nsPerOp)}` : row.nsPerOp.toFixed(row.nsPerOp < 100 ? 1 : 0);
    return [
      `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end" fill="#5f6368">${escape(row.name)}</text>`,
      `<rect x="${labelWidth}" y="${y + 4}" width="${width.toFixed(1)}" height="${rowHeight - 8}" rx="3" fill="${color}"/>`,
      `<text x="${(labelWidth + width + 6).toFixed(1)}" y="${y + 16}" fill="#5f6368">${value} (${row.ratio.toFixed(2)}x)</text>`,
    ].join('');
  });
  const width = labelWidth + barWidth + 130;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<text x="8" y="18" font-weight="bold" fill="#5f6368">${escape(result.title)}: ${escape(result.unit)} (ratio to the floor)</text>`,
    ...bars,
    '</svg>',
  ].join('\n');
}

/** Heap after GC over requests, one line per variant (its own color, or one from the default sequence). */
export function lineChart(title: string, series: { name: string; points: number[]; color?: string }[], step: number): string {
  const width = 720;
  const height = 300;
  const left = 60;
  const bottom = 40;
  const plotWidth = width - left - 170;
  const plotHeight = height - bottom - 40;
  const maxY = Math.max(1, ...series.flatMap((s) => s.points));
  const count = Math.max(...series.map((s) => s.points.length));
  const x = (i: number) => left + (i / Math.max(1, count - 1)) * plotWidth;
  const y = (v: number) => 30 + plotHeight - (v / maxY) * plotHeight;
  const colors = ['#9aa0a6', '#d93025', '#e8710a'];
  // End labels, pushed apart when lines finish at the same height (flat lines overlap otherwise).
  const labelY = series.map((s) => y(s.points.at(-1)!) + 4);
  const order = labelY.map((_, k) => k).sort((a, b) => labelY[a]! - labelY[b]!);
  for (let i = 1; i < order.length; i++) {
    const previous = labelY[order[i - 1]!]!;
    if (labelY[order[i]!]! - previous < 15) labelY[order[i]!] = previous + 15;
  }
  const color = (k: number) => series[k]!.color ?? colors[k % colors.length]!;
  const lines = series.map((s, k) => {
    const path = s.points.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    const last = s.points.length - 1;
    return [
      `<path d="${path}" fill="none" stroke="${color(k)}" stroke-width="2.5"/>`,
      `<text x="${(x(last) + 8).toFixed(1)}" y="${labelY[k]!.toFixed(1)}" fill="${color(k)}">${escape(s.name)}</text>`,
    ].join('');
  });
  const ticks = [0, 0.5, 1].map((f) => {
    const v = maxY * f;
    return `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#5f6368">${v.toFixed(0)} MB</text><line x1="${left}" x2="${left + plotWidth}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#dadce0"/>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT}>`,
    `<text x="8" y="18" font-weight="bold" fill="#5f6368">${escape(title)}</text>`,
    ...ticks,
    ...lines,
    `<text x="${left}" y="${height - 12}" fill="#5f6368">0</text>`,
    `<text x="${left + plotWidth}" y="${height - 12}" text-anchor="end" fill="#5f6368">${((count - 1) * step).toLocaleString('en-US')} requests</text>`,
    '</svg>',
  ].join('\n');
}

export function slug(title: string): string {
  return title
    .toLowerCase()
    .replace(/\(.*?\)/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60)
    .replace(/-$/, '');
}
