import {useInput, useStdin, type Key} from 'ink'
import {useCallback, useRef} from 'react'

/**
 * `useInput`, active only while `active` and when stdin can go raw (Ink throws otherwise, and
 * `isRawModeSupported` is undefined on a pipe). The handler may change at every render.
 */
export function useKeys(handler: (input: string, key: Key) => void, active = true): void {
  const {isRawModeSupported} = useStdin()
  const ref = useRef(handler)
  ref.current = handler
  const stable = useCallback((input: string, key: Key) => ref.current(input, key), [])
  useInput(stable, {isActive: active && isRawModeSupported === true})
}

/** Backspace arrives as `key.delete` (0x7f) in most terminals, as `key.backspace` (0x08) in some. */
export const isErase = (key: Key): boolean => key.backspace || key.delete
