// Webhook endpoint of bench/smtp-ingest.js, in its own process: checks the signature of each
// webhook (X-JunkMail-Signature: sha256=<hex HMAC-SHA256 of the raw body>, as a consumer must), answers
// 200 (401 to a bad one) and reports, for each email.received, when it arrived (ms since the
// epoch, sub-ms) and the mail's subject.
//   child → parent {type:'ready', url}; parent → child {type:'expect', count, secret} → {type:'armed'}
//   child → parent {type:'received', times, subjects, badSignatures} once `count` webhooks arrived.
import {createHmac, timingSafeEqual} from 'node:crypto'
import http from 'node:http'

let expected = Number.POSITIVE_INFINITY
let times = []
let subjects = []
let secret = null
let badSignatures = 0

function signed(req, raw) {
  if (secret === null) return true
  const given = Buffer.from(String(req.headers['x-junkmail-signature'] ?? ''))
  const wanted = Buffer.from('sha256=' + createHmac('sha256', secret).update(raw).digest('hex'))
  return given.length === wanted.length && timingSafeEqual(given, wanted)
}
const server = http.createServer({keepAlive: true, keepAliveTimeout: 60_000}, (req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now()
    const raw = Buffer.concat(chunks)
    if (!signed(req, raw)) {
      badSignatures++
      res.writeHead(401, {'content-type': 'text/plain', 'content-length': '3'})
      res.end('bad')
      return
    }
    res.writeHead(200, {'content-type': 'text/plain', 'content-length': '2'})
    res.end('ok')
    let body
    try {
      body = JSON.parse(raw.toString('utf8'))
    } catch {
      return
    }
    if (body.event !== 'email.received') return
    times.push(at)
    subjects.push(body.data.subject)
    if (times.length === expected) process.send({type: 'received', times, subjects, badSignatures})
  })
})
server.requestTimeout = 0
process.on('message', (m) => {
  if (m.type === 'expect') {
    expected = m.count
    secret = m.secret ?? null
    badSignatures = 0
    times = []
    subjects = []
    process.send({type: 'armed'})
  }
})
process.on('disconnect', () => process.exit(0))
server.listen(0, '127.0.0.1', () => process.send({type: 'ready', url: `http://127.0.0.1:${server.address().port}/webhooks/junkmail`}))
