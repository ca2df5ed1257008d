/** Small terminal helpers for the demo: a progress bar, a line chart, a table. */

const isTty = process.stdout.isTTY === true;
const color = (code: number, text: string) => (isTty ? `\x1b[${code}m${text}\x1b[0m` : text);
const COLORS = [31, 32]; // red for the first series, green for the second
const MARKS = ['x', 'o'];

/** Redraws a bar in place on a terminal; prints a line per quarter otherwise. */
export function progressBar(label: string, fraction: number): void {
  const width = 30;
  const filled = Math.round(fraction * width);
  const bar = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(fraction * 100)}%`;
  if (isTty) {
    process.stdout.write(`\r${bar}`);
    if (fraction >= 1) process.stdout.write('\n');
  } else if (Math.round(fraction * 100) % 25 === 0) {
    console.log(bar);
  }
}

/** A line chart of heap (MB) over requests for each series, one mark per batch. */
export function heapChart(series: { name: string; points: number[] }[], perBatch: number): string {
  const height = 12;
  const columns = Math.max(...series.map((s) => s.points.length));
  const top = Math.max(1, ...series.flatMap((s) => s.points));
  const grid: string[][] = Array.from({ length: height }, () => Array.from({ length: columns * 3 }, () => ' '));
  series.forEach((s, index) => {
    s.points.forEach((mb, column) => {
      const row = height - 1 - Math.round((Math.max(0, mb) / top) * (height - 1));
      grid[row]![column * 3 + 1] = color(COLORS[index]!, MARKS[index]!);
    });
  });
  const lines = grid.map((row, i) => {
    const value = top * (1 - i / (height - 1));
    return `${value.toFixed(1).padStart(7)} MB |${row.join('')}`;
  });
  const axis = `${' '.repeat(11)}+${'-'.repeat(columns * 3)}`;
  const lastRequest = (columns - 1) * perBatch;
  const labels = `${' '.repeat(12)}0${`${lastRequest.toLocaleString('en-US')} requests`.padStart(columns * 3 - 1)}`;
  const legend = series.map((s, i) => `${color(COLORS[i]!, MARKS[i]!)} ${s.name}`).join('    ');
  return ['   heap after GC, above the starting heap', ...lines, axis, labels, `            ${legend}`].join('\n');
}

/** A plain text table with a header rule. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `   ${cells.map((c, i) => c.padEnd(widths[i]!)).join('   ')}`;
  return [line(header), `   ${widths.map((w) => '-'.repeat(w)).join('   ')}`, ...rows.map(line)].join('\n');
}
