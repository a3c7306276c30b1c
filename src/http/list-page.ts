/**
 * A page of a list, newest first, as every list route answers it: `data`, `total` (how many match
 * in all) and `next` (the id to pass as `before` for the page after, null at the end).
 */
export interface ListPage<T> {
  data: T[]
  total: number
  next: string | null
}

/**
 * The page of `records` (already cut to the limit) presented, with `total` and the cursor: `after`
 * lists what comes after a record (one is enough), so `next` is null on the last page.
 */
export function listPage<R extends {id: string}, T>(records: R[], total: number, after: (last: R) => unknown[], present: (record: R) => T): ListPage<T> {
  const last = records.at(-1)
  return {data: records.map(present), total, next: last && after(last).length > 0 ? last.id : null}
}
