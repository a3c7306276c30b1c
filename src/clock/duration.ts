const UNITS: Readonly<Record<string, number>> = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000}

/**
 * A duration as people type it, in ms: `90s`, `30m`, `2h`, `1h30m`, `1.5h`, `500ms`, `2d`, or a
 * bare number of ms. (Written here rather than taken from `ms`: that one takes no `1h30m` and
 * answers undefined instead of saying what is wrong.) Throws a RangeError naming the mistake.
 */
export function parseDuration(text: string): number {
  const input = text.trim().toLowerCase()
  if (/^\d+(\.\d+)?$/.test(input)) return Number(input)
  const parts = [...input.matchAll(/(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)/g)]
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== input.replace(/\s+/g, '')) {
    throw new RangeError(`"${text}" is not a duration; write it as 90s, 30m, 2h, 1h30m, 500ms or 2d`)
  }
  return parts.reduce((total, [, n, unit]) => total + Number(n) * UNITS[unit], 0)
}

/** A duration in ms as `2h 5m 3s` (ms only under a second). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  const parts: string[] = []
  let rest = Math.round(ms / 1000)
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['m', 60], ['s', 1]] as const) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`)
      rest %= size
    }
  }
  return parts.join(' ')
}
