import type {TextProps} from 'ink'
import type {LineStyle} from './detail-lines.js'

const TONE_COLOR: Readonly<Record<string, string>> = {ok: 'green', fail: 'red', off: 'yellow', pending: 'cyan', muted: 'gray'}

/** Ink text props for a style; without colour, only what the text itself says remains. */
export function styleProps(style: LineStyle, color: boolean): TextProps {
  if (!color) return {}
  if (style === 'title') return {bold: true}
  if (style === 'dim') return {dimColor: true}
  if (style === 'selected') return {inverse: true}
  const c = TONE_COLOR[style]
  return c ? {color: c} : {}
}
