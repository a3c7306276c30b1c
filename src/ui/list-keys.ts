import type {Key} from 'ink'
import type {ViewAction} from './view-state.js'

/** What a key does outside the state: asks the emulator something, copies, or quits. */
export type ViewerCommand = 'quit' | 'resend' | 'enable' | 'copy-payload' | 'copy-curl'

/** A key's meaning: a change of view state, or a command. */
export type KeyMeaning = {readonly action: ViewAction} | {readonly command: ViewerCommand} | null

/** Keys that behave the same in the list and in the detail view. */
export function commonKey(input: string, key: Key): KeyMeaning {
  if (key.ctrl && input === 'c') return {command: 'quit'}
  if (key.ctrl || key.meta) return null
  switch (input) {
    case 'q':
      return {command: 'quit'}
    case 'r':
      return {command: 'resend'}
    case 'e':
      return {command: 'enable'}
    case 'y':
      return {command: 'copy-payload'}
    case 'c':
      return {command: 'copy-curl'}
    case '?':
      return {action: {type: 'open', screen: 'help'}}
    case 't':
      return {action: {type: 'open', screen: 'trigger'}}
    case 'w':
      return {action: {type: 'open', screen: 'webhooks'}}
    case 'm':
      return {action: {type: 'open', screen: 'mail'}}
    case 'n':
      return {action: {type: 'open', screen: 'notices'}}
    case 'f':
      return {action: {type: 'toggle-follow'}}
    case 'p':
      return {action: {type: 'toggle-pause'}}
    case 'i':
      return {action: {type: 'toggle-header'}}
    default:
      return null
  }
}

/**
 * The list's keys (Hookdeck's, plus junkmail's): ↑↓ / j k move, g / G (Home / End) the newest and
 * the oldest, PgUp / PgDn, Enter or d the detail, / filter, Esc clears the filter.
 */
export function listKey(input: string, key: Key): KeyMeaning {
  if (key.upArrow || (input === 'k' && !key.ctrl && !key.meta)) return {action: {type: 'move', by: -1}}
  if (key.downArrow || (input === 'j' && !key.ctrl && !key.meta)) return {action: {type: 'move', by: 1}}
  if (key.pageUp || (key.ctrl && input === 'b')) return {action: {type: 'page-up'}}
  if (key.pageDown || (key.ctrl && input === 'f')) return {action: {type: 'page-down'}}
  if (key.home || input === 'g') return {action: {type: 'top'}}
  if (key.end || input === 'G') return {action: {type: 'bottom'}}
  if (key.return || input === 'd') return {action: {type: 'open', screen: 'detail'}}
  if (key.escape) return {action: {type: 'back'}}
  if (key.tab) return {action: {type: 'toggle-focus'}}
  if (input === '/') return {action: {type: 'edit-filter', editing: true}}
  return commonKey(input, key)
}
