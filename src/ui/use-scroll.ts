import type {Key} from 'ink'
import {useState} from 'react'

/** A scroll position over `total` lines shown `height` at a time, and the keys that move it. */
export function useScroll(total: number, height: number) {
  const [top, setTop] = useState(0)
  const max = Math.max(0, total - height)
  const clamped = Math.min(Math.max(0, top), max)
  const to = (line: number) => setTop(Math.min(Math.max(0, line), max))
  /** ↑↓ / j k by a line, PgUp/PgDn (Space) by a page, g / G (Home / End) to the ends; true if the key was one of them. */
  const onKey = (input: string, key: Key): boolean => {
    if (key.upArrow || input === 'k') to(clamped - 1)
    else if (key.downArrow || input === 'j') to(clamped + 1)
    else if (key.pageUp || (key.ctrl && input === 'b')) to(clamped - Math.max(1, height - 1))
    else if (key.pageDown || input === ' ' || (key.ctrl && input === 'f')) to(clamped + Math.max(1, height - 1))
    else if (key.home || input === 'g') to(0)
    else if (key.end || input === 'G') to(max)
    else return false
    return true
  }
  /** Scrolls just enough for `line` to be on screen. */
  const reveal = (line: number, context = 2) => {
    if (line < clamped + context) to(line - context)
    else if (line >= clamped + height - context) to(line - height + 1 + context)
  }
  return {top: clamped, to, onKey, reveal}
}
