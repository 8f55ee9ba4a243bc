// Who is logged in, and the datasets they may see (to know which ones are fictional). Held in memory only: the
// session itself is an HttpOnly cookie the page never reads.
import { ApiError, get, getJson, post, setRoleSource } from './api.js';
import { learnPermissions } from './roles.js';
import { type Dataset, readDatasets, readUser, type User } from './types.js';

let user: User | undefined;
let datasets: Promise<Dataset[]> | undefined;
/** True when the server has no /auth routes (an older server, or one without authentication). */
let authless = false;

// A refusal names the reader's role ("your role (auditor) does not allow this").
setRoleSource(() => user?.role);

export function currentUser(): User | undefined {
  return user;
}

export function isAuthless(): boolean {
  return authless;
}

/** Asks the server who we are; undefined when not logged in. */
export async function loadUser(): Promise<User | undefined> {
  try {
    user = readUser(await getJson('/auth/me', { quiet401: true }));
    learnPermissions(user?.role, user?.permissions);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) user = undefined;
    else if (err instanceof ApiError && err.status === 404) {
      authless = true;
      user = { username: 'service account' };
    } else throw err;
  }
  return user;
}

/** `otp`: the one-time code of a user with a second factor; left out of the request when empty. */
export async function login(username: string, password: string, otp = ''): Promise<User> {
  const body = await post('/auth/login', { username, password, ...(otp ? { otp } : {}) }, { quiet401: true });
  user = readUser(body) ?? { username };
  learnPermissions(user.role, user.permissions);
  datasets = undefined;
  return user;
}

export async function logout(): Promise<void> {
  try {
    await post('/auth/logout', {});
  } finally {
    forget();
  }
}

export function forget(): void {
  user = undefined;
  datasets = undefined;
}

export function visibleDatasets(): Promise<Dataset[]> {
  datasets ??= get('/api/datasets').then(readDatasets);
  datasets.catch(() => {
    datasets = undefined;
  });
  return datasets;
}

/** Forgets the dataset list, so the next call asks again (after an upload made or grew a dataset). */
export function refreshDatasets(): void {
  datasets = undefined;
}

/** The fictional datasets among `names`. */
export async function fictionalAmong(names: Iterable<string>): Promise<string[]> {
  const fictional = new Set((await visibleDatasets()).filter((d) => d.fictional).map((d) => d.name));
  return [...new Set(names)].filter((n) => fictional.has(n));
}
