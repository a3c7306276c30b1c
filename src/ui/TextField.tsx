import {Text} from 'ink'
import {useRef} from 'react'
import {oneLine} from '../cli/terminal-text.js'
import {isErase, useKeys} from './use-keys.js'
import {useViewer} from './viewer-context.js'

export interface TextFieldProps {
  readonly value: string
  readonly onChange: (value: string) => void
  /** Only a focused field takes keys (the views turn their own letter keys off meanwhile). */
  readonly focus: boolean
  /** Shown dim while empty. */
  readonly placeholder?: string
  /** Characters shown at most; a longer value shows its end. */
  readonly width?: number
}

/**
 * A one-line text input: typed or pasted text is added at the end (control characters dropped),
 * Backspace (`key.delete` or `key.backspace`) erases, Ctrl+U clears. Enter, Esc, Tab and the arrows
 * are left to the view around it.
 */
export function TextField({value, onChange, focus, placeholder, width}: TextFieldProps) {
  const {color} = useViewer()
  // Keys can come faster than renders: each one builds on the value the previous one made.
  const latest = useRef(value)
  latest.current = value
  const change = (next: string) => {
    latest.current = next
    onChange(next)
  }
  useKeys((input, key) => {
    if (isErase(key)) return change([...latest.current].slice(0, -1).join(''))
    if (key.ctrl && input === 'u') return change('')
    if (key.ctrl || key.meta || key.return || key.escape || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return
    if (key.pageUp || key.pageDown || key.home || key.end) return
    const text = input.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
    if (text) change(latest.current + text)
  }, focus, {text: true})

  let shown = oneLine(value)
  if (width !== undefined && shown.length > width - 1) shown = `…${shown.slice(shown.length - (width - 2))}`
  // One cell for the cursor, focused or not: the placeholders of a form line up.
  const cursor = focus ? (color ? <Text inverse> </Text> : '_') : value === '' ? ' ' : ''
  return (
    <Text wrap="truncate-end">
      {shown}
      {cursor}
      {value === '' && placeholder ? <Text dimColor>{oneLine(placeholder)}</Text> : null}
    </Text>
  )
}
