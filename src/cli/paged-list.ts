import * as Flags from '@oclif/core/flags'
import type {ListPage} from '../http/list-page.js'
import type {ApiClient} from './api-client.js'

/** A page of a list as the emulator's routes answer it, or the whole list (`--all`). */
export type Listed<T> = ListPage<T>

/** `--limit` and `--all`, as every list of the emulator's routes takes them. */
export const pageFlags = (defaultLimit: number) => ({
  limit: Flags.integer({description: `How many to show (the newest; default ${defaultLimit}).`, default: defaultLimit, min: 1, max: 100_000, exclusive: ['all']}),
  all: Flags.boolean({description: 'Show every one, page after page.', default: false}),
})

/** Reads a list: one page of `limit`, or with `all` every page (1,000 at a time). */
export async function readList<T>(client: ApiClient, path: string, query: Record<string, string | number | boolean | undefined>, flags: {limit: number; all: boolean}): Promise<Listed<T>> {
  if (!flags.all) return client.get<Listed<T>>(path, {...query, limit: flags.limit})
  const data: T[] = []
  let before: string | undefined
  let total = 0
  for (;;) {
    const page = await client.get<Listed<T>>(path, {...query, limit: 1000, before})
    data.push(...page.data)
    total = page.total
    if (page.next === null) return {data, total, next: null}
    before = page.next
  }
}

/** `20 of 29 (use --limit or --all)` when a list shows less than there is; null when it shows it all. */
export function truncationNote(listed: Listed<unknown>): string | null {
  return listed.data.length < listed.total ? `${listed.data.length} of ${listed.total} (use --limit or --all)` : null
}
