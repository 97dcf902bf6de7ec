// Small helpers to build the page from API data. Text always goes in as text (textContent), never as HTML, so
// nothing a store or a caller wrote can become markup or script.

/** An element with attributes and children (strings become text nodes). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) {
      continue;
    }
    if (name.startsWith('on') && typeof value === 'function') {
      node.addEventListener(name.substring(2), value);
    } else if (name === 'dataset') {
      Object.assign(node.dataset, value);
    } else {
      node.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

export function byId(id) {
  return document.getElementById(id);
}

/** Replaces the rows of a table's body. */
export function rows(tableId, list) {
  byId(tableId).tBodies[0].replaceChildren(...list);
}

/** A definition list's terms and values. */
export function facts(id, entries) {
  const list = [];
  for (const [term, value] of entries) {
    list.push(el('dt', {}, term), el('dd', {}, value === null || value === undefined ? '—' : value));
  }
  byId(id).replaceChildren(...list);
}

export function time(instant) {
  return instant ? new Date(instant).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '—';
}

export function seconds(value) {
  if (value === null || value === undefined) {
    return '—';
  }
  if (value < 60) {
    return value.toFixed(value < 10 ? 1 : 0) + ' s';
  }
  if (value < 3600) {
    return (value / 60).toFixed(1) + ' min';
  }
  return (value / 3600).toFixed(1) + ' h';
}

export function bytes(value) {
  if (value === null || value === undefined) {
    return '—';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = value;
  let unit = 0;
  while (n >= 1024 && unit < units.length - 1) {
    n /= 1024;
    unit++;
  }
  return (unit === 0 ? n : n.toFixed(1)) + ' ' + units[unit];
}

/** A health word as a badge: healthy/ok green, degraded amber, anything else red. */
export function badge(word) {
  const text = word === true ? 'healthy' : word === false ? 'down' : String(word ?? '—');
  const good = ['healthy', 'ok', 'completed', 'passed', 'met', 'resolved', 'streaming', 'active', 'leader'];
  const fair = ['degraded', 'running', 'open', 'initial-sync', 'pending', 'standby', 'watching'];
  const kind = good.includes(text) ? 'good' : fair.includes(text) ? 'fair' : 'bad';
  return el('span', { class: 'badge ' + kind }, text);
}

export function json(value) {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}
