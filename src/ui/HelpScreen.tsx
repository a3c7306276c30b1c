import {Box, Text} from 'ink'
import type {StyledLine} from './detail-lines.js'
import {scrollPosition, ScrollView} from './ScrollView.js'
import {useKeys} from './use-keys.js'
import {useScroll} from './use-scroll.js'
import {useViewer} from './viewer-context.js'

const KEYS: ReadonlyArray<readonly [string, string]> = [
  ['↑ ↓  j k', 'move (the list follows the newest event while you are at the top)'],
  ['g G  Home End', 'newest / oldest loaded (older pages load as you scroll past the end)'],
  ['PgUp PgDn', 'a page up / down'],
  ['Enter  d', 'event detail: payload, attempt timeline, request and response'],
  ['← →  h l', 'in the detail: previous / next attempt'],
  ['Tab', 'detail beside the list (120 columns or more): move the keys between them'],
  ['Esc', 'back (clears the filter in the list)'],
  ['/', 'filter: words must all match; type:email matches types starting with email'],
  ['f', 'follow on / off'],
  ['p', 'pause / resume (events wait meanwhile; their count is shown)'],
  ['t', 'trigger a catalog event: pick it, fill in fields, Enter sends'],
  ['r', 'resend the event: to every subscribed webhook or the one you pick'],
  ['e', 're-enable a disabled webhook'],
  ['w', 'webhooks: list, n create (secret shown once), d delete, e enable, p probe its endpoint'],
  ['m', 'mail: received and sent, and the mailboxes (addresses, inboxes); Enter reads'],
  ['y', 'copy the event payload'],
  ['c', 'copy a signed curl command replaying the selected attempt exactly'],
  ['n', 'notices: every notice, warning and error of this session, whole'],
  ['i', 'show / hide the header'],
  ['?', 'this help'],
  ['q  Ctrl+C', 'quit'],
]

/** The help text: every key, then how copying and the markers work. */
export function helpLines(): StyledLine[] {
  const keyWidth = Math.max(...KEYS.map(([k]) => k.length)) + 2
  const lines: StyledLine[] = [{text: 'Keys', style: 'title'}]
  for (const [key, what] of KEYS) lines.push({text: `  ${key.padEnd(keyWidth)}${what}`, style: 'plain'})
  lines.push(
    {text: '', style: 'plain'},
    {text: 'Delivery states', style: 'title'},
    {text: '  ✓ 200 4ms   delivered: status and duration ([200] without colour)', style: 'plain'},
    {text: '  ✗ 500 2/5 next 0:04   attempt 2 of 5 failed, next one in 4 s ([ERR])', style: 'plain'},
    {text: '  ⏸ disabled   cancelled: the webhook was disabled ([OFF]); e enables it', style: 'plain'},
    {text: '  … sending    first attempt on its way ([...]); – cancelled ([--])', style: 'plain'},
    {text: '', style: 'plain'},
    {text: 'Copying (y, c)', style: 'title'},
    {text: '  Through the terminal (OSC 52) when it can take it; otherwise into a file in a', style: 'plain'},
    {text: '  private folder of the temp dir, whose path is shown. Inside tmux or screen,', style: 'plain'},
    {text: "  GNOME Terminal, Apple's Terminal or the Linux console: a file.", style: 'plain'},
    {text: '  JUNKMAIL_CLIPBOARD=osc52 or =file forces one way.', style: 'plain'},
    {text: '', style: 'plain'},
    {text: 'Times are local; countdowns are real time left (the time scale is applied).', style: 'dim'},
    {text: 'NO_COLOR=1 turns colours off; the states keep their markers.', style: 'dim'},
  )
  return lines
}

/** `?`: the keys and what the markers mean. ↑↓ scroll, Esc or ? closes. */
export function HelpScreen({width, height, onClose}: {readonly width: number; readonly height: number; readonly onClose: () => void}) {
  const {color, quit} = useViewer()
  const lines = helpLines()
  const bodyHeight = Math.max(1, height - 1)
  const scroll = useScroll(lines.length, bodyHeight)
  useKeys((input, key) => {
    if (scroll.onKey(input, key)) return
    if (key.escape || input === '?' || key.return) onClose()
    else if (input === 'q') quit()
  })
  const position = scrollPosition(scroll.top, bodyHeight, lines.length)
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold={color} wrap="truncate-end">
        Help{position ? ` · ${position}` : ''} · Esc closes
      </Text>
      <ScrollView lines={lines} top={scroll.top} height={bodyHeight} width={width} />
    </Box>
  )
}
