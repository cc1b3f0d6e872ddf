// Building the page from data without ever parsing it as HTML: text goes in through textContent, attributes
// through setAttribute, so a run named <img onerror=…> shows as those characters.
type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(typeof c === 'number' ? String(c) : c);
  return el;
}

export function fmt(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toPrecision(4);
  if (v === null || v === undefined) return '—';
  return String(v);
}

/** Replaces the view's content; returns the view. */
export function show(...children: Child[]): HTMLElement {
  const view = document.getElementById('view')!;
  view.replaceChildren();
  for (const c of children) if (c !== null && c !== undefined && c !== false) view.append(typeof c === 'number' ? String(c) : c);
  return view;
}
