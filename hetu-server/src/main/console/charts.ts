// Line charts of the server's samples (one a second), drawn as SVG: no chart library.

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 320;
const HEIGHT = 120;
const PAD = 4;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, value);
  }
  return element;
}

function format(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** A chart of {@code values} (oldest first, one per second) with its title, latest value and peak. */
export function chart(title: string, unit: string, values: number[], seconds: number): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = 'chart';
  const latest = values.length === 0 ? 0 : values[values.length - 1];
  const peak = Math.max(0, ...values);
  const caption = document.createElement('figcaption');
  caption.append(`${title}: `);
  const now = document.createElement('strong');
  now.textContent = `${format(latest)} ${unit}`;
  const span = values.length < 120 ? `${values.length} s` : `${Math.round(values.length / 60)} min`;
  caption.append(now, ` (peak ${format(peak)} over the last ${span})`);
  const top = peak === 0 ? 1 : peak * 1.1;
  const picture = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': title });
  picture.append(svg('rect', { x: '0', y: '0', width: String(WIDTH), height: String(HEIGHT), class: 'plot' }));
  for (const fraction of [0.25, 0.5, 0.75]) {
    const y = String(PAD + (HEIGHT - 2 * PAD) * fraction);
    picture.append(svg('line', { x1: '0', x2: String(WIDTH), y1: y, y2: y, class: 'grid' }));
  }
  const step = (WIDTH - 2 * PAD) / Math.max(1, seconds - 1);
  const offset = seconds - values.length;
  const points = values.map((v, i) => `${(PAD + (offset + i) * step).toFixed(1)},${(HEIGHT - PAD - (v / top)
      * (HEIGHT - 2 * PAD)).toFixed(1)}`);
  if (points.length > 0) {
    picture.append(svg('polyline', { points: points.join(' '), class: 'line' }));
  }
  figure.append(caption, picture);
  return figure;
}
