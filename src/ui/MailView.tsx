import {Box, Text} from 'ink'
import {useEffect, useState} from 'react'
import {oneLine} from '../cli/terminal-text.js'
import {localClock, shortSize} from './format-time.js'
import {MessageView} from './MessageView.js'
import {messageOf} from './use-event-window.js'
import {useKeys} from './use-keys.js'
import {useKeyHints, useViewer} from './viewer-context.js'
import type {MailboxSummary, MailNouns, MailSummary} from './viewer-contract.js'

export interface MailViewProps {
  /** Moves with every mail or mailbox event: the lists are read again. */
  readonly revision: number
  readonly width: number
  readonly height: number
  readonly onClose: () => void
  /** What the provider calls mailboxes and messages (default: JunkMail's addresses and emails). */
  readonly nouns?: MailNouns | null
}

const JUNKMAIL_NOUNS: MailNouns = {mailbox: ['address', 'addresses'], message: ['email', 'emails']}
const capital = (word: string) => word.charAt(0).toUpperCase() + word.slice(1)

/**
 * `m`: mail received and sent (newest first) and the mailboxes (addresses, inboxes), Tab between
 * them. Enter reads a message, or shows a mailbox's mail; Esc goes back.
 */
export function MailView({revision, width, height, onClose, nouns: given}: MailViewProps) {
  const {actions, color, quit} = useViewer()
  const nouns = given ?? JUNKMAIL_NOUNS
  const [tab, setTab] = useState<'mail' | 'addresses'>('mail')
  const [emails, setEmails] = useState<MailSummary[] | null>(null)
  const [addresses, setAddresses] = useState<MailboxSummary[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [atMail, setAtMail] = useState(0)
  const [atAddress, setAtAddress] = useState(0)
  const [address, setAddress] = useState<MailboxSummary | null>(null)
  const [reading, setReading] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    Promise.all([actions.mail(address?.id), actions.mailboxes()]).then(
      ([e, a]) => {
        if (!live) return
        setEmails(e)
        setAddresses(a)
        setError(null)
      },
      (e: unknown) => live && setError(messageOf(e)),
    )
    return () => {
      live = false
    }
  }, [actions, address, revision])

  const list = tab === 'mail' ? (emails ?? []) : (addresses ?? [])
  const at = tab === 'mail' ? atMail : atAddress
  const setAt = tab === 'mail' ? setAtMail : setAtAddress

  useKeys((input, key) => {
    if (key.tab) setTab((t) => (t === 'mail' ? 'addresses' : 'mail'))
    else if (key.upArrow || input === 'k') setAt((a) => Math.max(0, a - 1))
    else if (key.downArrow || input === 'j') setAt((a) => Math.max(0, Math.min(list.length - 1, a + 1)))
    else if (key.return) {
      if (tab === 'mail' && emails?.[atMail]) setReading(emails[atMail].id)
      else if (tab === 'addresses' && addresses?.[atAddress]) {
        setAddress(addresses[atAddress])
        setAtMail(0)
        setTab('mail')
      }
    } else if (key.escape) {
      if (address) setAddress(null)
      else onClose()
    } else if (input === 'q') quit()
  }, reading === null)

  useKeyHints(reading ? ['↑↓ scroll', 'Esc back'] : ['↑↓ choose', tab === 'mail' ? 'Enter read' : 'Enter its mail', `Tab mail/${nouns.mailbox[1]}`, address ? 'Esc all mail' : 'Esc back'])
  if (reading) return <MessageView emailId={reading} width={width} height={height} onClose={() => setReading(null)} />

  const room = Math.max(1, height - 2)
  const start = Math.max(0, Math.min(at - Math.floor(room / 2), list.length - room))
  const tabText = (name: 'mail' | 'addresses', label: string) => (
    <Text bold={color && tab === name} inverse={color && tab === name}>
      {tab === name && !color ? `[${label}]` : ` ${label} `}
    </Text>
  )
  const loading = tab === 'mail' ? emails === null : addresses === null
  return (
    <Box flexDirection="column" width={width} height={height}>
      <Text wrap="truncate-end">
        {tabText('mail', `Mail${address ? ` to ${oneLine(address.email)}` : ''} (${emails?.length ?? '…'})`)}
        {' '}
        {tabText('addresses', `${capital(nouns.mailbox[1])} (${addresses?.length ?? '…'})`)}
      </Text>
      <Box flexDirection="column" height={room + 1} overflow="hidden">
        {error ? (
          <Text color={color ? 'red' : undefined} wrap="truncate-end">
            Could not read the mail: {oneLine(error)}
          </Text>
        ) : loading ? (
          <Text dimColor>Loading…</Text>
        ) : list.length === 0 ? (
          <Text dimColor wrap="truncate-end">
            {tab === 'mail' ? `No mail yet: send some to ${nouns.mailbox[0] === 'address' ? 'any address @ the local domain' : `an ${nouns.mailbox[0]}'s address`}.` : `No ${nouns.mailbox[0]} yet.`}
          </Text>
        ) : tab === 'mail' ? (
          (emails ?? []).slice(start, start + room + 1).map((m, i) => {
            const chosen = start + i === atMail
            const who = m.direction === 'sent' ? `${oneLine(m.from)} → ${oneLine(m.to.join(', '))}` : `${oneLine(m.to.join(', '))} ← ${oneLine(m.from)}`
            const tail = [m.status && m.status !== 'received' ? oneLine(m.status) : null, m.size === null ? null : shortSize(m.size)].filter(Boolean).join(' · ')
            return (
              <Text key={m.id} wrap="truncate-end" inverse={color && chosen}>
                {chosen ? '›' : ' '} {localClock(m.at)} {who} · {oneLine(m.subject || '(no subject)')}{tail ? ` · ${tail}` : ''}
              </Text>
            )
          })
        ) : (
          (addresses ?? []).slice(start, start + room + 1).map((a, i) => {
            const chosen = start + i === atAddress
            const when = a.status === 'expired' ? `expired ${localClock(a.expiredAt)}` : a.expiresAt ? `expires ${localClock(a.expiresAt)}` : `created ${localClock(a.createdAt)}`
            const facts = [a.name === null ? null : oneLine(a.name), a.status === null ? null : oneLine(a.status), when].filter(Boolean).join(' · ')
            return (
              <Text key={a.id} wrap="truncate-end" inverse={color && chosen}>
                {chosen ? '›' : ' '} {oneLine(a.email)} · {facts}
              </Text>
            )
          })
        )}
      </Box>
    </Box>
  )
}
