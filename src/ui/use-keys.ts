import {useInput, useStdin, type Key} from 'ink'
import {createContext, createElement, useCallback, useContext, useLayoutEffect, useRef, type ReactNode} from 'react'

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
}

type Handler = (input: string, key: Key) => void
interface Listener {
  readonly handler: {current: Handler}
  readonly text: boolean
}

/** One character as the key Ink would have reported alone. */
export function keyOf(ch: string): {readonly input: string; readonly key: Key} {
  if (ch === '\r' || ch === '\n') return {input: '', key: {...NO_KEY, return: true}}
  if (ch === '\t') return {input: '', key: {...NO_KEY, tab: true}}
  if (ch === '\u007f') return {input: '', key: {...NO_KEY, delete: true}}
  if (ch === '\b') return {input: '', key: {...NO_KEY, backspace: true}}
  const code = ch.charCodeAt(0)
  if (code >= 1 && code <= 26) return {input: String.fromCharCode(code + 96), key: {...NO_KEY, ctrl: true}}
  return {input: ch, key: {...NO_KEY, shift: /^[A-Z]$/.test(ch)}}
}

/**
 * What Ink reported as one input, as the keys a person pressed. Ink hands over several characters
 * read at once as one input: a paste, but also keys typed or repeated faster than it reads (`jjj`,
 * `jj\r`). Esc followed at once by a letter reads as Alt+letter; the viewer has no Alt keys, so it
 * is Esc, then the letter.
 */
export function splitKeys(input: string, key: Key): Array<{readonly input: string; readonly key: Key}> {
  if (key.meta && !key.escape && !key.ctrl && [...input].length === 1 && input >= ' ') {
    return [{input: '', key: {...NO_KEY, escape: true, meta: true}}, keyOf(input)]
  }
  if (input.length <= 1 || key.ctrl || key.meta) return [{input, key}]
  return [...input].map(keyOf)
}

const KeyRouterContext = createContext<Set<Listener> | null>(null)

/**
 * Time between keys that came together. React (in Ink 6, whose root is no longer legacy) renders
 * a key's update in a scheduler task after the key; the next key must wait for it to know which
 * view has the keys. A frame's time is plenty; the keys come in order either way.
 */
export const KEY_GAP_MS = 15

/**
 * Takes every key for the views inside it and hands each to the handlers active when it comes:
 * keys read together are handed one at a time, each after the views have rendered the one before
 * ({@link KEY_GAP_MS}: Esc then `i` closes a view, then toggles the header of the one below).
 * While a text field has focus, what comes together is typed as is (a paste).
 */
export function KeyRouter({children}: {readonly children: ReactNode}) {
  const listeners = useRef(new Set<Listener>()).current
  const {isRawModeSupported} = useStdin()
  const queue = useRef<Array<{input: string; key: Key}>>([])
  const deliver = useCallback(
    (input: string, key: Key) => {
      for (const l of [...listeners]) if (listeners.has(l)) l.handler.current(input, key)
    },
    [listeners],
  )
  const drain = useCallback(() => {
    const next = queue.current.shift()
    if (!next) return
    deliver(next.input, next.key)
    if (queue.current.length) setTimeout(drain, KEY_GAP_MS)
  }, [deliver])
  const onInput = useCallback(
    (input: string, key: Key) => {
      const typing = [...listeners].some((l) => l.text)
      const keys = typing && !key.meta ? [{input, key}] : splitKeys(input, key)
      const busy = queue.current.length > 0
      queue.current.push(...keys)
      if (!busy) drain()
    },
    [listeners, drain],
  )
  useInput(onInput, {isActive: isRawModeSupported === true})
  return createElement(KeyRouterContext.Provider, {value: listeners}, children)
}

/**
 * Calls `handler` for keys while `active` (and only when stdin can go raw: Ink throws otherwise,
 * and `isRawModeSupported` is undefined on a pipe). The handler may change at every render. Inside
 * a {@link KeyRouter} keys come one at a time to whatever is active then; outside one, straight
 * from Ink. `text`: a text field, which gets what is typed or pasted as one string.
 */
export function useKeys(handler: Handler, active = true, options: {readonly text?: boolean} = {}): void {
  const router = useContext(KeyRouterContext)
  const {isRawModeSupported} = useStdin()
  const ref = useRef(handler)
  ref.current = handler
  const text = options.text === true
  useLayoutEffect(() => {
    if (!router || !active) return
    const listener: Listener = {handler: ref, text}
    router.add(listener)
    return () => {
      router.delete(listener)
    }
  }, [router, active, text])
  const direct = useCallback(
    (input: string, key: Key) => {
      for (const k of text ? [{input, key}] : splitKeys(input, key)) ref.current(k.input, k.key)
    },
    [text],
  )
  useInput(direct, {isActive: router === null && active && isRawModeSupported === true})
}

/** Backspace arrives as `key.delete` (0x7f) in most terminals, as `key.backspace` (0x08) in some. */
export const isErase = (key: Key): boolean => key.backspace || key.delete
