/**
 * Paging a list a server controls. A server decides how many pages there are (`total`, full
 * pages), so a broken or hostile one could keep a client requesting forever and growing its
 * memory (issue 18: `total: 1e15` gave 10,000 requests in 4 s). These bounds stop it, and the
 * result says why the list is short, so the user is told instead of shown a silently cut list.
 */
import type { ListTruncation } from '../backend';

export interface PageLimits {
  readonly maxPages: number;
  readonly maxItems: number;
}

/** 50 pages of 100: far above a real project's workflows, far below a runaway. */
export const LIST_LIMITS: PageLimits = { maxPages: 50, maxItems: 5_000 };

/** A `total` above this is not a count of anything a person configured. */
const MAX_CREDIBLE_TOTAL = 1_000_000;

export interface Page<T> {
  readonly items: readonly T[];
  readonly total?: number | null;
}

/**
 * Reads pages from offset 0 until the server's list ends or a bound is hit. Items already seen
 * (by id) are dropped, a page with nothing new ends the list, and so does a `total` that is not a
 * plausible count. Without `total`, a full page means there may be more.
 */
export async function collectPages<T>(
  fetchPage: (offset: number) => Promise<Page<T>>,
  idOf: (item: T) => string,
  pageSize: number,
  limits: PageLimits = LIST_LIMITS,
): Promise<{ items: T[]; truncated?: ListTruncation }> {
  const items: T[] = [];
  const seen = new Set<string>();
  const cut = (reason: ListTruncation['reason']) => ({ items, truncated: { shown: items.length, reason } });
  let offset = 0;
  for (let pages = 0; ; pages++) {
    if (pages >= limits.maxPages) return cut('limit');
    const page = await fetchPage(offset);
    const fresh = page.items.filter((item) => !seen.has(idOf(item)));
    if (page.items.length > 0 && fresh.length === 0) return cut('repeatedPage');
    for (const item of fresh) {
      if (items.length >= limits.maxItems) return cut('limit');
      seen.add(idOf(item));
      items.push(item);
    }
    offset += page.items.length;
    const { total } = page;
    if (page.items.length === 0) return { items };
    if (total !== undefined && total !== null) {
      if (offset >= total) return { items };
      if (!Number.isSafeInteger(total) || total > MAX_CREDIBLE_TOTAL) return cut('implausibleTotal');
    } else if (page.items.length < pageSize) {
      return { items };
    }
  }
}

/** One English sentence for the CLI (the tree has its own localised wording in tree/present.ts). */
export function truncationNote(truncated: ListTruncation, what: string): string {
  const why = {
    limit: `Flowscope reads at most ${LIST_LIMITS.maxItems} ${what} (${LIST_LIMITS.maxPages} pages)`,
    repeatedPage: 'the service sent the same page again',
    implausibleTotal: 'the service announced a total that cannot be right',
  }[truncated.reason];
  return `only the first ${truncated.shown} ${what} are listed: ${why}.`;
}
