import { useEffect, useState } from 'preact/hooks';

/**
 * History routing under the app's base (`/app/`): `/app/deliveries/dlv_…` is the path
 * `/deliveries/dlv_…`. The server answers index.html for every `/app/*` path, so a reload or a
 * shared link opens the right page.
 */
export const BASE = import.meta.env.BASE_URL.replace(/\/$/, '');

const listeners = new Set<() => void>();

export function currentPath(): string {
  const path = window.location.pathname;
  if (!path.startsWith(BASE)) return '/';
  const rest = path.slice(BASE.length);
  return rest === '' ? '/' : rest;
}

export function href(path: string): string {
  return `${BASE}${path.startsWith('/') ? path : `/${path}`}`;
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  const url = href(path);
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  for (const listener of listeners) listener();
}

window.addEventListener('popstate', () => {
  for (const listener of listeners) listener();
});

export interface Route {
  path: string;
  query: URLSearchParams;
}

export function useRoute(): Route {
  const read = (): Route => ({ path: currentPath(), query: new URLSearchParams(window.location.search) });
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const listener = () => setRoute(read());
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
  return route;
}

/** `/deliveries/:id` against `/deliveries/dlv_1` → `{ id: 'dlv_1' }`; null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let index = 0; index < want.length; index += 1) {
    const part = want[index] as string;
    const value = have[index] as string;
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(value);
    else if (part !== value) return null;
  }
  return params;
}

/** A click on an in-app link: navigate without reloading, unless the person asked for a new tab. */
export function onLinkClick(event: MouseEvent, path: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path);
}
