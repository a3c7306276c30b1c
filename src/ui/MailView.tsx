import {Box, Text} from 'ink'
import {useEffect, useState} from 'react'
import {oneLine} from '../cli/terminal-text.js'
import {localClock, shortSize} from './format-time.js'
import {MessageView} from './MessageView.js'
import {messageOf} from './use-event-window.js'
import {useKeys} from './use-keys.js'
import {useKeyHints, useViewer} from './viewer-context.js'
import type {AddressSummary, EmailSummary} from './viewer-contract.js'

export interface MailViewProps {
  /** Moves with every email or address event: the lists are read again. */
  readonly revision: number
  readonly width: number
  readonly height: number
  readonly onClose: () => void
}

/**
 * `m`: received mail (newest first) and the addresses, Tab between them. Enter reads a message, or
 * shows an address's mail; Esc goes back.
 */
export function MailView({revision, width, height, onClose}: MailViewProps) {
  const {actions, color, quit} = useViewer()
  const [tab, setTab] = useState<'mail' | 'addresses'>('mail')
  const [emails, setEmails] = useState<EmailSummary[] | null>(null)
  const [addresses, setAddresses] = useState<AddressSummary[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [atMail, setAtMail] = useState(0)
  const [atAddress, setAtAddress] = useState(0)
  const [address, setAddress] = useState<AddressSummary | null>(null)
  const [reading, setReading] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    Promise.all([actions.emails(address?.id), actions.addresses()]).then(
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

  useKeyHints(reading ? ['↑↓ scroll', 'Esc back'] : ['↑↓ choose', tab === 'mail' ? 'Enter read' : 'Enter its mail', 'Tab mail/addresses', address ? 'Esc all mail' : 'Esc back'])
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
        {tabText('addresses', `Addresses (${addresses?.length ?? '…'})`)}
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
            {tab === 'mail' ? 'No mail yet: send some to any address @ the local domain.' : 'No address yet.'}
          </Text>
        ) : tab === 'mail' ? (
          (emails ?? []).slice(start, start + room + 1).map((m, i) => {
            const chosen = start + i === atMail
            return (
              <Text key={m.id} wrap="truncate-end" inverse={color && chosen}>
                {chosen ? '›' : ' '} {localClock(m.receivedAt)} {oneLine(m.to)} ← {oneLine(m.from)} · {oneLine(m.subject || '(no subject)')} · {shortSize(m.size)}
              </Text>
            )
          })
        ) : (
          (addresses ?? []).slice(start, start + room + 1).map((a, i) => {
            const chosen = start + i === atAddress
            const when = a.status === 'expired' ? `expired ${localClock(a.expiredAt)}` : `expires ${localClock(a.expiresAt)}`
            return (
              <Text key={a.id} wrap="truncate-end" inverse={color && chosen}>
                {chosen ? '›' : ' '} {oneLine(a.email)} · {oneLine(a.status)} · {when}
              </Text>
            )
          })
        )}
      </Box>
    </Box>
  )
}
