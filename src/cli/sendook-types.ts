/** A Sendook inbox as its API returns it. */
export interface SendookInbox {
  _id: string
  id: string
  name?: string
  email: string
  createdAt: string
  updatedAt: string
}

/** A Sendook message as its API returns it. */
export interface SendookMessage {
  _id: string
  id: string
  inboxId: string
  threadId: string
  from: string
  to: string[]
  cc: string[]
  bcc: string[]
  labels: string[]
  subject: string
  text: string
  html: string
  attachments: Array<{_id: string; name?: string; contentType?: string; content: string}>
  status?: string
  createdAt: string
  updatedAt: string
}

/** `sent` for a message without a status yet (the server sets none at the send). */
export const messageStatus = (m: SendookMessage): string => m.status ?? 'sent'

/** An inbox id as typed (24 hex digits), or the id of the inbox with that address. */
export async function inboxIdOf(client: {get<T>(path: string): Promise<T>}, value: string): Promise<string> {
  if (/^[0-9a-f]{24}$/i.test(value)) return value
  const inbox = (await client.get<SendookInbox[]>('/v1/inboxes')).find((i) => i.email.toLowerCase() === value.trim().toLowerCase())
  if (!inbox) throw new Error(`no inbox has the address ${value}; see: junkmail inboxes list`)
  return inbox._id
}
