// The HTTP API's routes as API Gateway matches them, for the catch-all function (which answers 405
// with the methods a path does have) and for the local cloud's gateway, which routes by the same rules.

/** One route of the HTTP API: `GET /v1/tenants/{id}`; `*` (any method, any path) is `$default`. */
export interface RouteKey {
  method: string;
  path: string;
}

/** The route a serverless.yml `httpApi` event declares (`'*'`, `'GET /x'` or `{ method, path }`). */
export function routeKeyOf(httpApi: unknown): RouteKey | undefined {
  if (httpApi === '*') return { method: '*', path: '*' };
  if (typeof httpApi === 'string') {
    const [method, path] = httpApi.trim().split(/\s+/);
    return method && path ? { method: method.toUpperCase(), path } : undefined;
  }
  const event = httpApi as { method?: unknown; path?: unknown } | undefined;
  if (typeof event?.method !== 'string' || typeof event.path !== 'string') return undefined;
  return { method: event.method === '*' ? 'ANY' : event.method.toUpperCase(), path: event.path };
}

/** Parses `GET /a, POST /b/{id}` (the form serverless.yml hands the catch-all function). */
export function parseRouteKeys(text: string): RouteKey[] {
  return text
    .split(',')
    .map((entry) => routeKeyOf(entry))
    .filter((route): route is RouteKey => route !== undefined && route.path !== '*');
}

/** Path parameters of `path` under `template`, or undefined when it does not match. */
export function matchPath(template: string, path: string): Record<string, string> | undefined {
  const want = template.split('/');
  const got = path.split('/');
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const segment = want[i] as string;
    const greedy = segment.match(/^\{(\w+)\+\}$/);
    if (greedy) {
      const rest = got.slice(i).join('/');
      if (!rest) return undefined;
      params[greedy[1] as string] = rest;
      return params;
    }
    const value = got[i];
    if (value === undefined) return undefined;
    const param = segment.match(/^\{(\w+)\}$/);
    if (param) {
      if (value === '') return undefined;
      params[param[1] as string] = value;
    } else if (segment !== value) return undefined;
  }
  return got.length === want.length ? params : undefined;
}

// API Gateway prefers the most specific match: a literal segment over a {param}, over a {greedy+}.
function specificity(template: string): number[] {
  return template.split('/').map((s) => (/^\{\w+\+\}$/.test(s) ? 0 : /^\{\w+\}$/.test(s) ? 1 : 2));
}

function moreSpecific(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if ((a[i] ?? -1) !== (b[i] ?? -1)) return (a[i] ?? -1) > (b[i] ?? -1);
  }
  return false;
}

/** The route API Gateway picks for a request (method-specific before ANY), if any but `$default`. */
export function selectRoute(
  routes: RouteKey[],
  method: string,
  path: string,
): { route: RouteKey; params: Record<string, string> } | undefined {
  let best: { route: RouteKey; params: Record<string, string>; rank: number[] } | undefined;
  for (const route of routes) {
    if (route.path === '*' || (route.method !== method && route.method !== 'ANY')) continue;
    const params = matchPath(route.path, path);
    if (!params) continue;
    const rank = [...specificity(route.path), route.method === 'ANY' ? 0 : 1];
    if (!best || moreSpecific(rank, best.rank)) best = { route, params, rank };
  }
  return best && { route: best.route, params: best.params };
}

/** The methods the API has for `path`, for a 405's `Allow` header (empty: no such path). */
export function allowedMethods(routes: RouteKey[], path: string): string[] {
  const methods = routes.filter((r) => r.path !== '*' && matchPath(r.path, path)).map((r) => r.method);
  return [...new Set(methods)].sort();
}
