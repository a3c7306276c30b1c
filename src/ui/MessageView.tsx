import {Box, Text} from 'ink'
import {useEffect, useState} from 'react'
import {oneLine} from '../cli/terminal-text.js'
import {textLines, type StyledLine} from './detail-lines.js'
import {localClock, shortSize} from './format-time.js'
import {ScrollView} from './ScrollView.js'
import {messageOf} from './use-event-window.js'
import {useScrollCard} from './use-scroll-card.js'
import {useViewer} from './viewer-context.js'
import type {MailDetail} from './viewer-contract.js'

/** A message as lines: who and when, its outcomes (sent mail), its text, its attachments, its headers. */
export function messageLines(m: MailDetail, width: number): StyledLine[] {
  const lines: StyledLine[] = []
  const add = (text: string, style: StyledLine['style'] = 'plain') => lines.push({text, style})
  add(oneLine(m.subject || '(no subject)'), 'title')
  add(oneLine(`From ${m.from}`))
  add(oneLine(`To ${m.to.join(', ')}`))
  if (m.cc.length > 0) add(oneLine(`Cc ${m.cc.join(', ')}`))
  const facts = [m.status && m.status !== 'received' ? oneLine(m.status) : null, m.size === null ? null : shortSize(m.size)].filter(Boolean)
  add(`${m.direction === 'sent' ? 'Sent' : 'Received'} ${localClock(m.at)} (${m.at})${facts.map((f) => ` · ${f}`).join('')}`, 'dim')
  const outcomes = Object.entries(m.outcomes ?? {})
  if (m.direction === 'sent') {
    add('')
    add('Outcomes', 'title')
    if (outcomes.length === 0) add('none yet', 'dim')
    for (const [recipient, outcome] of outcomes) add(oneLine(`${recipient}  ${outcome}`), outcome === 'delivered' ? 'ok' : 'fail')
  }
  add('')
  add('Text', 'title')
  if (m.text === null || m.text === '') add(m.html ? `(no text part; an HTML part of ${shortSize(Buffer.byteLength(m.html))})` : '(no text)', 'dim')
  else for (const line of textLines(m.text, width)) add(line)
  add('')
  add(`Attachments (${m.attachments.length})`, 'title')
  if (m.attachments.length === 0) add('none', 'dim')
  for (const a of m.attachments) add(oneLine(`${a.index}  ${a.filename ?? '(no name)'}  ${a.contentType}  ${shortSize(a.size)}`))
  add('')
  add(`Headers (${m.headers.length})`, 'title')
  for (const h of m.headers) add(oneLine(`${h.name}: ${h.value}`))
  return lines
}

/** One message, received or sent: ↑↓ scroll, Esc back. */
export function MessageView({emailId, width, height, onClose}: {readonly emailId: string; readonly width: number; readonly height: number; readonly onClose: () => void}) {
  const {actions, color} = useViewer()
  const [message, setMessage] = useState<MailDetail | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    actions.mailMessage(emailId).then(
      (m) => live && setMessage(m),
      (e: unknown) => live && setError(messageOf(e)),
    )
    return () => {
      live = false
    }
  }, [actions, emailId])
  const lines = message ? messageLines(message, width) : []
  const {top, bodyHeight, position} = useScrollCard(lines.length, height, onClose)
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text bold={color} wrap="truncate-end">
        Message{position ? ` · ${position}` : ''} · Esc back
      </Text>
      {message ? (
        <ScrollView lines={lines} top={top} height={bodyHeight} width={width} />
      ) : (
        <Text color={color && error ? 'red' : undefined} dimColor={!error} wrap="truncate-end">
          {error ? `Could not read the message: ${oneLine(error)}` : 'Loading…'}
        </Text>
      )}
    </Box>
  )
}
