// DOM helpers that only ever put data into the page as text: no innerHTML anywhere in the UI.

export type Child = Node | string | number | null | undefined | false | Child[];

export interface Attrs {
  [name: string]: string | number | boolean | null | undefined | EventListener | Handlers;
}

type Handlers = { [event: string]: (ev: Event) => void };

/**
 * Creates an element. Strings become text nodes; attributes are set with setAttribute, `on` takes event handlers.
 * `style` is refused: the Content-Security-Policy forbids inline style attributes, and classes are clearer.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'on') {
        for (const [event, fn] of Object.entries(value as Handlers)) el.addEventListener(event, fn);
      } else if (name === 'style') {
        throw new Error('h: inline styles are not allowed; use a class');
      } else if (name.toLowerCase().startsWith('on')) {
        throw new Error(`h: use on: {...} for ${name}`);
      } else if (value === true) {
        el.setAttribute(name, '');
      } else {
        el.setAttribute(name, String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else if (typeof c === 'string' || typeof c === 'number')
      parent.appendChild(document.createTextNode(String(c)));
    else parent.appendChild(c);
  }
}

/** Replaces every child of `parent`. */
export function replace(parent: Element, ...children: Child[]): void {
  parent.replaceChildren();
  append(parent, children);
}

/** Splits camelCase FtM property names into words: `birthDate` -> `Birth date`. */
export function humanise(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_:]+/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat('en-GB').format(n);
}
