import { FlowscopeError } from './errors';

/**
 * One id as one URL path segment. `encodeURIComponent` leaves `.` and `..` as they are, and URL
 * resolution then removes or climbs them (`/api/workflows/..` becomes `/api/`), so an id from a
 * workspace binding, a block or a server's run could send a request, with the user's key or
 * signature, to another endpoint. Those ids (and the empty id, which turns `/x/{id}` into the
 * list route `/x/`) are refused; every other id is percent-encoded, which keeps it one segment.
 */
export function pathSegment(id: string, what = 'id'): string {
  if (id === '' || id === '.' || id === '..') {
    throw new FlowscopeError('validation', `"${id}" is not a usable ${what}: an empty, "." or ".." id would change which endpoint is called.`);
  }
  return encodeURIComponent(id);
}

/** True when a path holds a segment that URL resolution would drop or climb (`.`, `..`, or their `%2e` spellings). */
export function hasDotSegment(path: string): boolean {
  return path
    .split('?')[0]!
    .split('/')
    .some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}
