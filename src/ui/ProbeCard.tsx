import {Box, Text} from 'ink'
import {oneLine} from '../cli/terminal-text.js'
import type {StyledLine} from './detail-lines.js'
import {ScrollView} from './ScrollView.js'
import {useScrollCard} from './use-scroll-card.js'
import {useViewer} from './viewer-context.js'
import type {ProbeReport} from './viewer-contract.js'

const MARK: Readonly<Record<string, {text: string; style: StyledLine['style']}>> = {
  pass: {text: 'PASS', style: 'ok'},
  fail: {text: 'FAIL', style: 'fail'},
  info: {text: 'INFO', style: 'dim'},
  skipped: {text: 'SKIP', style: 'dim'},
}

/** The report card as lines: one per check (verdict, level, what, got), then the advice and the result. */
export function probeLines(report: ProbeReport): StyledLine[] {
  const lines: StyledLine[] = [{text: oneLine(`Probe of ${report.url}: ${report.checks.length} checks in ${report.durationMs} ms`), style: 'title'}]
  for (const c of report.checks) {
    const mark = MARK[c.verdict]
    lines.push({text: oneLine(`${mark.text}  ${c.level.padEnd(6)} ${c.title} · expected ${c.expected} · got ${c.got}`), style: c.verdict === 'fail' && c.level !== 'MUST' ? 'plain' : mark.style})
  }
  const advice = report.checks.filter((c) => c.advice && c.verdict !== 'pass')
  if (advice.length > 0) {
    lines.push({text: '', style: 'plain'}, {text: 'Advice', style: 'title'})
    for (const c of advice) lines.push({text: oneLine(`${c.id}: ${c.advice}`), style: 'plain'})
  }
  const s = report.summary
  lines.push({text: '', style: 'plain'}, {text: `MUST ${s.must.passed} passed, ${s.must.failed} failed · SHOULD ${s.should.passed} passed, ${s.should.failed} failed`, style: 'plain'})
  lines.push(report.ok ? {text: 'Result: the endpoint meets every MUST.', style: 'ok'} : {text: 'Result: FAILED, a MUST check failed.', style: 'fail'})
  return lines
}

/** `p` in the webhooks view: the probe's report card for one webhook. ↑↓ scroll, Esc back (the view shows the keys). */
export function ProbeCard({report, width, height, onClose}: {readonly report: ProbeReport; readonly width: number; readonly height: number; readonly onClose: () => void}) {
  const {color} = useViewer()
  const lines = probeLines(report)
  const {top, bodyHeight, position} = useScrollCard(lines.length, height, onClose)
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold={color} wrap="truncate-end">
        Probe · {report.ok ? 'every MUST met' : 'a MUST failed'}
        {position ? ` · ${position}` : ''} · Esc back
      </Text>
      <ScrollView lines={lines} top={top} height={bodyHeight} width={width} />
    </Box>
  )
}
