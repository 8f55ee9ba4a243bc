// The login page: user name, password and an optional one-time code, posted to /auth/login; the session comes back as an HttpOnly cookie.
import { ApiError, describeError } from '../api.js';
import { h, replace } from '../dom.js';
import { homeFor, viewAllowed } from '../roles.js';
import { go, parseHash } from '../router.js';
import { login } from '../session.js';
import type { View } from './view.js';

/** Only a route inside the app may be a `next` target, never another site. */
export function safeNext(next: string | null): string {
  return next && /^#\/[^/\\]/.test(next) && !next.startsWith('#/login') ? next : '#/';
}

export const loginView: View = (ctx) => {
  const error = h('div', { class: 'form-error', role: 'alert', hidden: true });
  const user = h('input', {
    id: 'login-user',
    name: 'username',
    autocomplete: 'username',
    required: true,
    autocapitalize: 'none',
    spellcheck: 'false',
  });
  const pass = h('input', {
    id: 'login-pass',
    name: 'password',
    type: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  // Only users with a second factor (nexus user totp NAME) need it; the page cannot know who does.
  const otp = h('input', {
    id: 'login-otp',
    name: 'otp',
    autocomplete: 'one-time-code',
    inputmode: 'numeric',
    maxlength: 16,
    spellcheck: 'false',
    'aria-describedby': 'login-otp-note',
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Log in');
  const form = h(
    'form',
    { class: 'login-form', 'aria-describedby': 'login-note' },
    h('div', { class: 'field' }, h('label', { for: 'login-user' }, 'User name'), user),
    h('div', { class: 'field' }, h('label', { for: 'login-pass' }, 'Password'), pass),
    h(
      'div',
      { class: 'field' },
      h('label', { for: 'login-otp' }, 'One-time code'),
      otp,
      h('small', { id: 'login-otp-note', class: 'muted' }, 'Only if your account has a second factor.'),
    ),
    error,
    submit,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    error.hidden = true;
    submit.disabled = true;
    replace(submit, 'Logging in...');
    try {
      const who = await login(user.value.trim(), pass.value, otp.value.replace(/\s/g, ''));
      pass.value = '';
      otp.value = '';
      const next = safeNext(ctx.params.get('next'));
      const route = parseHash(next);
      // Back to where the reader was going, unless their role may not go there: then to their start page.
      if (viewAllowed(who.role, route.path[0] ?? '')) go(route.path, Object.fromEntries(route.params));
      else go([homeFor(who.role)]);
    } catch (err) {
      error.hidden = false;
      replace(
        error,
        err instanceof ApiError && (err.status === 401 || err.status === 403)
          ? 'User name, password or one-time code not recognised.'
          : err instanceof ApiError && err.status === 429
            ? 'Too many attempts; wait a minute and try again.'
            : describeError(err),
      );
      otp.value = '';
      pass.select();
    } finally {
      submit.disabled = false;
      replace(submit, 'Log in');
    }
  });
  window.setTimeout(() => user.focus(), 0);
  return h(
    'section',
    { class: 'view view-login', 'aria-labelledby': 'view-title' },
    h(
      'div',
      { class: 'login-card' },
      h('h1', { id: 'view-title', tabindex: '-1' }, 'Nexus'),
      h(
        'p',
        { id: 'login-note', class: 'muted' },
        'Log in to search, review and explore the intelligence you are cleared to see: ',
        'the server sends nothing above your clearance.',
      ),
      form,
    ),
  );
};
