/** A small SVG line chart of per-edit latency, one panel per file; no dependencies. */

export interface Series {
  label: string;
  colour: string;
  values: number[];
}

export interface Panel {
  title: string;
  series: Series[];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function latencyChart(panels: Panel[], yLabel = 'ms'): string {
  const width = 760;
  const panelHeight = 220;
  const left = 48;
  const right = 12;
  const top = 40;
  const bottom = 30;
  const height = panels.length * panelHeight;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  panels.forEach((panel, p) => {
    const y0 = p * panelHeight;
    const plotW = width - left - right;
    const plotH = panelHeight - top - bottom;
    const all = panel.series.flatMap((s) => s.values);
    // Scale to the 99th percentile so one outlier does not flatten the rest; outliers are clipped at the top.
    const sorted = [...all].sort((a, b) => a - b);
    const yMax = Math.max(1, Math.ceil(sorted[Math.floor(sorted.length * 0.99)] ?? 1));
    const n = Math.max(...panel.series.map((s) => s.values.length));
    const x = (i: number) => left + (n <= 1 ? 0 : (i / (n - 1)) * plotW);
    const y = (v: number) => y0 + top + plotH - (Math.min(v, yMax) / yMax) * plotH;
    parts.push(`<text x="${left}" y="${y0 + 16}" font-size="13" font-weight="bold">${esc(panel.title)}</text>`);
    for (let t = 0; t <= 4; t++) {
      const v = (yMax * t) / 4;
      parts.push(`<line x1="${left}" x2="${width - right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#ddd"/>`);
      parts.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v.toFixed(v < 10 ? 1 : 0)}</text>`);
    }
    parts.push(
      `<text x="12" y="${y0 + top + plotH / 2}" transform="rotate(-90 12 ${y0 + top + plotH / 2})" text-anchor="middle">${esc(yLabel)}</text>`,
    );
    parts.push(`<text x="${left + plotW / 2}" y="${y0 + panelHeight - 8}" text-anchor="middle">edit #</text>`);
    panel.series.forEach((s, k) => {
      const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
      parts.push(`<polyline fill="none" stroke="${s.colour}" stroke-width="1" points="${pts}"/>`);
      const lx = width - right - 260 + k * 130;
      parts.push(`<rect x="${lx}" y="${y0 + 22}" width="10" height="10" fill="${s.colour}"/>`);
      parts.push(`<text x="${lx + 14}" y="${y0 + 31}">${esc(s.label)}</text>`);
    });
  });
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
