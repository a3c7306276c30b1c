import {Text} from 'ink'

/** Hints that fit in `width`: as many of `hints` as fit, then `tail` (`? help  q quit`) always. */
export function fitHints(hints: readonly string[], tail: readonly string[], width: number): string {
  const sep = '  '
  const end = tail.join(sep)
  const shown: string[] = []
  for (const hint of hints) {
    if ([...shown, hint, end].join(sep).length > width) break
    shown.push(hint)
  }
  return [...shown, end].filter((s) => s !== '').join(sep)
}

/** The keys of the view on screen, on one line. */
export function Footer({hints, tail = ['? help', 'q quit'], width}: {readonly hints: readonly string[]; readonly tail?: readonly string[]; readonly width: number}) {
  return (
    <Text dimColor wrap="truncate-end">
      {fitHints(hints, tail, width)}
    </Text>
  )
}

/** The list's keys, most used first. */
export const LIST_HINTS = ['↑↓ move', '⏎ detail', '/ filter', 't trigger', 'r resend', 'e enable', 'w webhooks', 'm mail', 'f follow', 'p pause', 'y copy', 'c curl', 'n notices', 'i header']

/** The detail view's keys. */
export const DETAIL_HINTS = ['↑↓ scroll', '←→ attempt', 'r resend', 'e enable', 'y copy', 'c curl', 'Esc back']
