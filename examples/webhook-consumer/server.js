// A webhook consumer as the JunkMail contract asks for one: it verifies X-JunkMail-Signature
// (sha256= and the hex HMAC-SHA256 of the raw body, keyed with the webhook's secret) over the
// exact bytes received, answers 401 to anything else, and 200 once an event is handled. Each
// handled event is one JSON line on stdout. WEBHOOK_SECRET is the secret; PORT (default 0: any
// free port) where it listens; it prints "listening <port>" first.
import {createHmac, timingSafeEqual} from 'node:crypto'
import {createServer} from 'node:http'

const secret = process.env.WEBHOOK_SECRET
if (!secret) {
  console.error('WEBHOOK_SECRET is not set')
  process.exit(2)
}

/** True when `signature` is the signature of these exact bytes. */
export function verify(rawBody, signature) {
  const expected = Buffer.from('sha256=' + createHmac('sha256', secret).update(rawBody).digest('hex'))
  const given = Buffer.from(String(signature ?? ''))
  return given.length === expected.length && timingSafeEqual(given, expected)
}

const seen = new Set()
const server = createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const raw = Buffer.concat(chunks)
    if (req.method !== 'POST' || !verify(raw, req.headers['x-junkmail-signature'])) {
      res.writeHead(401).end('bad signature')
      return
    }
    const event = JSON.parse(raw.toString('utf8'))
    // Retries send the same bytes: handle each event once.
    const key = `${event.event}:${event.timestamp}:${raw.length}`
    if (!seen.has(key)) {
      seen.add(key)
      console.log(JSON.stringify({handled: event.event, data: event.data}))
    }
    res.writeHead(200, {'content-type': 'application/json'}).end('{"ok":true}')
  })
})
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => console.log(`listening ${server.address().port}`))
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)))
