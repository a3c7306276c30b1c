/** One Server-Sent Events message: its `event` name (`message` when none), `data` lines joined, and `id` when it had one. */
export interface SseMessage {
  readonly event: string
  readonly data: string
  readonly id: string | null
}

/**
 * Reads a Server-Sent Events stream chunk by chunk (as text): calls `message` for each message
 * and `comment` for each comment line (a heartbeat), as the HTML standard's parser does.
 */
export function sseParser(handlers: {message(m: SseMessage): void; comment?(text: string): void}): (chunk: string) => void {
  let buffer = ''
  let event = ''
  let data: string[] = []
  let id: string | null = null
  const line = (text: string) => {
    if (text === '') {
      if (data.length > 0) handlers.message({event: event || 'message', data: data.join('\n'), id})
      event = ''
      data = []
      id = null
      return
    }
    if (text.startsWith(':')) return handlers.comment?.(text.slice(1).trimStart())
    const colon = text.indexOf(':')
    const field = colon < 0 ? text : text.slice(0, colon)
    let value = colon < 0 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (field === 'data') data.push(value)
    else if (field === 'event') event = value
    else if (field === 'id' && !value.includes('\0')) id = value
  }
  return (chunk) => {
    buffer += chunk
    let start = 0
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer[i]
      if (c !== '\n' && c !== '\r') continue
      // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
      if (c === '\r' && i === buffer.length - 1) break
      line(buffer.slice(start, i))
      if (c === '\r' && buffer[i + 1] === '\n') i++
      start = i + 1
    }
    buffer = buffer.slice(start)
  }
}
