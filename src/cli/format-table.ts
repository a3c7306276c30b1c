import {oneLine} from './terminal-text.js'

/** Plain aligned columns for people; empty cells show as `-`, control characters as escapes. */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  const cells = rows.map((row) => row.map((c) => (c === null || c === undefined || c === '' ? '-' : oneLine(String(c)))))
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)))
  const line = (row: readonly string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ')
  return [line(headers), ...cells.map(line)].join('\n')
}

/** `2026-11-25T05:21:47.123Z` → `05:21:47.123`, for log lines and tables. */
export function clockTime(iso: string | null | undefined): string {
  return iso ? iso.slice(11, 23) : '-'
}
