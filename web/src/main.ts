// The shell of the single-page UI: header and navigation, the hash router, and the login gate.
import './style.css';
import { describeError, setUnauthorisedHandler } from './api.js';
import { h, replace } from './dom.js';
import { homeFor, viewAllowed } from './roles.js';
import { go, href, parseHash, type Route } from './router.js';
import { currentUser, forget, isAuthless, loadUser, logout } from './session.js';
import { empty, Frame, failure, loading, showMarking } from './ui.js';
import { auditView } from './views/audit.js';
import { dashboardView } from './views/dashboard.js';
import { entityView } from './views/entity.js';
import { jobView } from './views/job.js';
import { loginView } from './views/login.js';
import { reportView } from './views/report.js';
import { reviewView } from './views/review.js';
import { searchView } from './views/search.js';
import { traceView } from './views/trace.js';
import { uploadView } from './views/upload.js';
import type { View } from './views/view.js';

/** The graph explorer carries sigma and graphology; it loads the first time it is opened. */
const lazyGraph: View = (ctx) => {
  const holder = h('div', null, loading('Loading the graph explorer...'));
  import('./views/graph.js')
    .then((m) => {
      if (!ctx.signal.aborted) holder.replaceWith(m.graphView(ctx));
    })
    .catch((err: unknown) => replace(holder, failure(err)));
  return holder;
};

const VIEWS: Record<string, { view: View; title: string; nav?: string }> = {
  '': { view: dashboardView, title: 'Dashboard', nav: 'Dashboard' },
  search: { view: searchView, title: 'Search', nav: 'Search' },
  entity: { view: entityView, title: 'Entity' },
  graph: { view: lazyGraph, title: 'Graph', nav: 'Graph' },
  trace: { view: traceView, title: 'Trace', nav: 'Trace' },
  report: { view: reportView, title: 'Report', nav: 'Report' },
  review: { view: reviewView, title: 'Review', nav: 'Review queue' },
  upload: { view: uploadView, title: 'Upload', nav: 'Upload' },
  jobs: { view: jobView, title: 'Jobs' },
  audit: { view: auditView, title: 'Audit', nav: 'Audit' },
  login: { view: loginView, title: 'Log in' },
};

const notFound: View = () => {
  const frame = new Frame('Not found');
  replace(frame.body, empty('There is no such page.', h('a', { href: '#/' }, 'Go to the dashboard')));
  return frame.root;
};

/** A page the reader's role may not use: said plainly, with the way to one it may. */
function forbiddenView(title: string, role: string | undefined): View {
  return () => {
    const frame = new Frame(title);
    const home = homeFor(role);
    replace(
      frame.body,
      h(
        'div',
        { class: 'state state-error state-forbidden', role: 'alert' },
        h(
          'p',
          null,
          h('strong', null, 'Not allowed. '),
          role ? `Your role (${role}) does not allow this page.` : 'Your role does not allow this page.',
        ),
        viewAllowed(role, home)
          ? h(
              'p',
              null,
              h('a', { href: href(home ? [home] : []) }, `Go to ${VIEWS[home]?.title ?? 'the start'}`),
            )
          : null,
      ),
    );
    return frame.root;
  };
}

const main = h('main', { id: 'main', tabindex: '-1' });
const nav = h('nav', { class: 'nav', 'aria-label': 'Main' });
const who = h('div', { class: 'who' });
let leaving: (() => void)[] = [];
let controller: AbortController | undefined;

function skipLink(): HTMLElement {
  // A plain #main link would be read as a route; this one moves focus instead.
  return h(
    'a',
    {
      class: 'skip-link',
      href: '#/',
      on: {
        click: (ev) => {
          ev.preventDefault();
          main.focus();
        },
      },
    },
    'Skip to content',
  );
}

function renderHeader(route: Route): void {
  const user = currentUser();
  const here = route.path[0] ?? '';
  replace(
    nav,
    user && here !== 'login'
      ? Object.entries(VIEWS)
          .filter(([key, v]) => v.nav && viewAllowed(user.role, key))
          .map(([key, v]) =>
            h(
              'a',
              { href: `#/${key}`, class: 'nav-link', 'aria-current': key === here ? 'page' : null },
              v.nav as string,
            ),
          )
      : null,
  );
  replace(
    who,
    user && here !== 'login'
      ? [
          h(
            'span',
            { class: 'user' },
            h('span', { class: 'user-name' }, user.username),
            user.role ? h('span', { class: 'muted' }, ` ${user.role}`) : null,
            user.clearance
              ? h(
                  'span',
                  { class: 'clearance', title: 'Your clearance: you see nothing marked above it' },
                  ` cleared ${showMarking([user.clearance, ...(user.caveats ?? [])].join(' '))}`,
                )
              : null,
          ),
          isAuthless()
            ? null
            : h(
                'button',
                {
                  type: 'button',
                  class: 'btn btn-small',
                  id: 'logout',
                  on: {
                    click: async () => {
                      try {
                        await logout();
                      } catch (err) {
                        console.warn(`logout: ${describeError(err)}`);
                      }
                      go(['login']);
                    },
                  },
                },
                'Log out',
              ),
        ]
      : null,
  );
}

async function route(): Promise<void> {
  const r = parseHash(location.hash);
  const key = r.path[0] ?? '';
  if (key !== 'login' && !currentUser()) {
    try {
      await loadUser();
    } catch (err) {
      replace(
        main,
        failure(err, () => void route()),
      );
      return;
    }
    if (!currentUser()) {
      go(['login'], { next: location.hash || '#/' });
      return;
    }
  }
  const role = currentUser()?.role;
  // A role without the dashboard (the auditor) lands on the first page it may use.
  if (key === '' && !viewAllowed(role, '') && homeFor(role) !== '') {
    go([homeFor(role)]);
    return;
  }
  controller?.abort();
  for (const fn of leaving) fn();
  leaving = [];
  controller = new AbortController();
  const entry = VIEWS[key];
  document.title = `${entry?.title ?? 'Not found'} - Nexus`;
  renderHeader(r);
  const view = !entry ? notFound : viewAllowed(role, key) ? entry.view : forbiddenView(entry.title, role);
  replace(main, view({ ...r, signal: controller.signal, onLeave: (fn) => leaving.push(fn) }));
  // Move focus to the new page's heading so screen readers announce the change.
  const heading = main.querySelector('h1');
  if (heading && key !== 'login') (heading as HTMLElement).focus({ preventScroll: false });
}

function boot(): void {
  const app = document.getElementById('app');
  if (!app) return;
  replace(
    app,
    skipLink(),
    h('header', { class: 'top' }, h('a', { href: '#/', class: 'brand' }, 'Nexus'), nav, who),
    main,
    h('div', { id: 'live', class: 'visually-hidden', 'aria-live': 'polite', role: 'status' }),
  );
  setUnauthorisedHandler(() => {
    if (parseHash(location.hash).path[0] === 'login') return;
    forget();
    go(['login'], { next: location.hash || '#/' });
  });
  window.addEventListener('hashchange', () => void route());
  void route();
}

boot();
