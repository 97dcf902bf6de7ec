// A line chart of lag over time drawn as SVG: one line per series, time on x (the last hour), seconds on y.
const SVG = 'http://www.w3.org/2000/svg';
const COLOURS = ['#2f6fdf', '#d9822b', '#2a9d5c', '#b5179e', '#8c564b', '#7f7f7f'];
const WIDTH = 800;
const HEIGHT = 240;
const PAD = { left: 56, right: 12, top: 12, bottom: 28 };

function node(tag, attributes, text) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    element.setAttribute(name, String(value));
  }
  if (text !== undefined) {
    element.textContent = text;
  }
  return element;
}

/**
 * Draws {@code series} ([{label, points: [[epochMillis, seconds], ...]}]) over [from, to] into {@code container};
 * answers the colour of each series, for a legend.
 */
export function lagChart(container, series, from, to) {
  const max = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p[1])));
  const x = (t) => PAD.left + ((t - from) / (to - from)) * (WIDTH - PAD.left - PAD.right);
  const y = (v) => HEIGHT - PAD.bottom - (v / max) * (HEIGHT - PAD.top - PAD.bottom);
  const svg = node('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': 'replication lag, last hour' });
  svg.append(node('rect', { x: PAD.left, y: PAD.top, width: WIDTH - PAD.left - PAD.right,
    height: HEIGHT - PAD.top - PAD.bottom, class: 'plot' }));
  for (const fraction of [0, 0.5, 1]) {
    const value = max * fraction;
    svg.append(node('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: y(value), y2: y(value), class: 'grid' }));
    svg.append(node('text', { x: PAD.left - 6, y: y(value) + 4, 'text-anchor': 'end', class: 'axis' },
      value < 10 ? value.toFixed(1) + ' s' : Math.round(value) + ' s'));
  }
  for (let minutes = 60; minutes >= 0; minutes -= 15) {
    const t = to - minutes * 60000;
    svg.append(node('text', { x: x(t), y: HEIGHT - 8, 'text-anchor': 'middle', class: 'axis' },
      minutes === 0 ? 'now' : '−' + minutes + ' min'));
  }
  const colours = [];
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length];
    colours.push(colour);
    const points = s.points.filter((p) => p[0] >= from).map((p) => x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1));
    if (points.length === 1) {
      const [px, py] = points[0].split(',');
      svg.append(node('circle', { cx: px, cy: py, r: 2.5, fill: colour }));
    } else if (points.length > 1) {
      svg.append(node('polyline', { points: points.join(' '), fill: 'none', stroke: colour, 'stroke-width': 1.5,
        'data-series': s.label }));
    }
  });
  container.replaceChildren(svg);
  return colours;
}
