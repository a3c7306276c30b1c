import {Text} from 'ink'
import {oneLine} from '../cli/terminal-text.js'
import type {StyledLine} from './detail-lines.js'
import {styleProps} from './text-style.js'
import {TextField} from './TextField.js'
import {heldCount, type Notice, type ViewState} from './view-state.js'
import {useViewer} from './viewer-context.js'

/** How long an info notice stays on the status line; warnings and errors stay until the next one. */
export const NOTICE_SHOWN_MS = 15_000

/** The status line's parts: pause, follow, filter and window indicators, then the latest notice. */
export function statusParts(s: ViewState, now: number, color: boolean): StyledLine[] {
  const parts: StyledLine[] = []
  if (s.paused) parts.push({text: `${color ? '⏸ paused' : '[PAUSED]'} · ${heldCount(s)} held back · p resumes`, style: 'off'})
  if (!s.attached) parts.push({text: `↑ ${s.newer} newer · g newest`, style: 'pending'})
  else if (s.unseen > 0) parts.push({text: `↑ ${s.unseen} new`, style: 'pending'})
  if (!s.followMode) parts.push({text: 'follow off', style: 'dim'})
  if (s.filter) parts.push({text: `filter ${oneLine(s.filter)}: ${s.visible.length} of ${s.events.length}`, style: 'pending'})
  if (s.request) parts.push({text: 'loading…', style: 'dim'})
  const notice = latestNotice(s.notices, now)
  if (notice) parts.push({text: oneLine(notice.text), style: notice.level === 'error' ? 'fail' : notice.level === 'warn' ? 'off' : 'plain'})
  return parts
}

/** An info notice is on the status line and will go by itself: the time must tick until then. */
export function noticeExpires(notices: readonly Notice[], now: number): boolean {
  const last = notices.at(-1)
  return last !== undefined && last.level === 'info' && latestNotice(notices, now) !== null
}

function latestNotice(notices: readonly Notice[], now: number): Notice | null {
  const last = notices.at(-1)
  if (!last) return null
  if (last.level !== 'info') return last
  return now - Date.parse(last.time) < NOTICE_SHOWN_MS ? last : null
}

/** One line under the list: the filter being typed, or the indicators and the latest notice. */
export function StatusLine({state, now, width, onFilter}: {readonly state: ViewState; readonly now: number; readonly width: number; readonly onFilter: (text: string) => void}) {
  const {color} = useViewer()
  if (state.filterEditing) {
    return (
      <Text wrap="truncate-end">
        <Text bold={color}>/</Text>
        <TextField value={state.filter} onChange={onFilter} focus placeholder="type:email text… (Enter keeps, Esc clears)" width={width - 2} />
      </Text>
    )
  }
  const parts = statusParts(state, now, color)
  return (
    <Text wrap="truncate-end">
      {parts.length === 0 ? ' ' : parts.map((p, i) => (
        <Text key={i}>
          {i > 0 ? ' · ' : ''}
          <Text {...styleProps(p.style, color)}>{p.text}</Text>
        </Text>
      ))}
    </Text>
  )
}
