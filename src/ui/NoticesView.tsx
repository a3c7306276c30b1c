import {Box, Text} from 'ink'
import {oneLine} from '../cli/terminal-text.js'
import {fold, type StyledLine} from './detail-lines.js'
import {localClock} from './format-time.js'
import {scrollPosition, ScrollView} from './ScrollView.js'
import {useKeys} from './use-keys.js'
import {useScroll} from './use-scroll.js'
import type {Notice} from './view-state.js'
import {useViewer} from './viewer-context.js'

/** Notices newest first, each whole (folded at the width, never cut: a path to copy must be all there). */
export function noticeLines(notices: readonly Notice[], width: number): StyledLine[] {
  const lines: StyledLine[] = []
  for (const n of [...notices].reverse()) {
    const style: StyledLine['style'] = n.level === 'error' ? 'fail' : n.level === 'warn' ? 'off' : 'plain'
    const [first, ...rest] = fold(`${localClock(n.time)} ${n.level === 'info' ? '' : `${n.level}: `}${oneLine(n.text)}`, Math.max(10, width))
    lines.push({text: first, style}, ...rest.map((text) => ({text, style})))
  }
  return lines.length ? lines : [{text: 'Nothing to say yet.', style: 'dim'}]
}

/** `n`: every notice, warning and error of this session (the status line shows only the last). */
export function NoticesView({notices, width, height, onClose}: {readonly notices: readonly Notice[]; readonly width: number; readonly height: number; readonly onClose: () => void}) {
  const {color, quit} = useViewer()
  const lines = noticeLines(notices, width)
  const bodyHeight = Math.max(1, height - 1)
  const scroll = useScroll(lines.length, bodyHeight)
  useKeys((input, key) => {
    if (scroll.onKey(input, key)) return
    if (key.escape || input === 'n' || key.return) onClose()
    else if (input === 'q') quit()
  })
  const position = scrollPosition(scroll.top, bodyHeight, lines.length)
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold={color} wrap="truncate-end">
        Notices, newest first{position ? ` · ${position}` : ''} · Esc closes
      </Text>
      <ScrollView lines={lines} top={scroll.top} height={bodyHeight} width={width} />
    </Box>
  )
}
