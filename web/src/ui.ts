// Pieces every view uses: the frame with its marking bar and fictional banner, and the loading, empty and error
// states.
import { describeError, isRoleRefusal } from './api.js';
import { type Child, h, replace } from './dom.js';
import { formatMarking, highestMarking, markingClass, parseMarking } from './marking.js';
import { fictionalAmong } from './session.js';

/** `OFFICIAL SENSITIVE` reads as `OFFICIAL-SENSITIVE`; an absent marking says so. */
export function showMarking(marking: string | undefined): string {
  if (!marking) return 'UNMARKED';
  const m = parseMarking(marking);
  return m ? formatMarking(m) : marking;
}

export function markingBadge(marking: string | undefined): HTMLElement {
  return h(
    'span',
    { class: `marking-badge ${markingClass(marking)}`, title: 'Security marking' },
    showMarking(marking),
  );
}

/**
 * The frame of one view: a marking bar naming the highest marking of what is shown, a banner when any of it is
 * fictional, a heading, and the body.
 */
export class Frame {
  readonly root: HTMLElement;
  readonly body: HTMLElement;
  private readonly bar: HTMLElement;
  private readonly banner: HTMLElement;
  private readonly markings = new Map<string, string | undefined>();
  private readonly fictional = new Map<string, string[]>();

  constructor(title: string, ...extra: Child[]) {
    this.bar = h('div', { class: 'marking-bar mk-none', role: 'note', 'aria-label': 'Marking of this page' });
    this.banner = h('div', { class: 'fictional-banner', role: 'alert', hidden: true });
    this.body = h('div', { class: 'view-body' });
    this.root = h(
      'section',
      { class: 'view', 'aria-labelledby': 'view-title' },
      this.bar,
      this.banner,
      h('div', { class: 'view-head' }, h('h1', { id: 'view-title', tabindex: '-1' }, title), ...extra),
      this.body,
    );
    this.render();
  }

  /** Sets the marking of one part of the page (`key`); the bar shows the highest of all parts. */
  setMarking(key: string, marking: string | undefined): void {
    this.markings.set(key, marking);
    this.render();
  }

  /** Declares which datasets one part of the page comes from; the banner names the fictional ones. */
  async setDatasets(key: string, datasets: Iterable<string>): Promise<void> {
    const names = [...datasets];
    let fictional: string[] = [];
    try {
      fictional = await fictionalAmong(names);
    } catch {
      // Without the dataset list the banner cannot be decided; say so rather than stay silent.
      fictional = names.length ? ['(dataset list unavailable: treat as possibly fictional)'] : [];
    }
    this.fictional.set(key, fictional);
    this.render();
  }

  /** Marks a part of the page as fictional directly (when the datasets are known to be). */
  setFictional(key: string, names: string[]): void {
    this.fictional.set(key, names);
    this.render();
  }

  clear(key: string): void {
    this.markings.delete(key);
    this.fictional.delete(key);
    this.render();
  }

  private render(): void {
    const m = highestMarking(this.markings.values());
    this.bar.className = `marking-bar ${markingClass(m)}`;
    replace(this.bar, m ?? 'No marked data shown');
    const names = [...new Set([...this.fictional.values()].flat())].sort();
    this.banner.hidden = names.length === 0;
    replace(
      this.banner,
      h('strong', null, 'FICTIONAL DATA'),
      ` shown here comes from ${names.join(', ')}: generated for the demo, not real people, companies or events.`,
    );
  }
}

export function loading(text = 'Loading...'): HTMLElement {
  return h(
    'p',
    { class: 'state state-loading', role: 'status' },
    h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    text,
  );
}

export function empty(text: string, ...more: Child[]): HTMLElement {
  return h('div', { class: 'state state-empty', role: 'status' }, h('p', null, text), ...more);
}

export function failure(err: unknown, retry?: () => void): HTMLElement {
  // A role refusal will not change by trying again: say so plainly, and offer no retry.
  if (isRoleRefusal(err))
    return h(
      'div',
      { class: 'state state-error state-forbidden', role: 'alert' },
      h('p', null, h('strong', null, 'Not allowed. '), describeError(err)),
    );
  return h(
    'div',
    { class: 'state state-error', role: 'alert' },
    h('p', null, h('strong', null, 'Something went wrong. '), describeError(err)),
    retry ? h('button', { type: 'button', class: 'btn', on: { click: retry } }, 'Try again') : null,
  );
}

/** Announces a short message to screen readers (and shows it briefly). */
export function announce(text: string): void {
  const live = document.getElementById('live');
  if (!live) return;
  live.textContent = '';
  window.setTimeout(() => {
    live.textContent = text;
  }, 50);
}

export function entityLink(id: string, caption: string): HTMLAnchorElement {
  return h('a', { href: `#/entity/${encodeURIComponent(id)}` }, caption || id);
}

export function datasetChips(datasets: string[], fictional: Set<string>): HTMLElement {
  return h(
    'span',
    { class: 'chips' },
    datasets.map((d) =>
      h(
        'span',
        { class: `chip${fictional.has(d) ? ' chip-fictional' : ''}` },
        d,
        fictional.has(d) ? ' (FICTIONAL)' : '',
      ),
    ),
  );
}
