// Webhook endpoint of bench/smtp-ingest.js, in its own process: answers 200 and reports, for each
// email.received, when it arrived (ms since the epoch, sub-ms) and the mail's subject.
//   child → parent {type:'ready', url}; parent → child {type:'expect', count} → {type:'armed'}
//   child → parent {type:'received', times, subjects} once `count` webhooks arrived.
import http from 'node:http'

let expected = Number.POSITIVE_INFINITY
let times = []
let subjects = []
const server = http.createServer({keepAlive: true, keepAliveTimeout: 60_000}, (req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now()
    res.writeHead(200, {'content-type': 'text/plain', 'content-length': '2'})
    res.end('ok')
    let body
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      return
    }
    if (body.event !== 'email.received') return
    times.push(at)
    subjects.push(body.data.subject)
    if (times.length === expected) process.send({type: 'received', times, subjects})
  })
})
server.requestTimeout = 0
process.on('message', (m) => {
  if (m.type === 'expect') {
    expected = m.count
    times = []
    subjects = []
    process.send({type: 'armed'})
  }
})
process.on('disconnect', () => process.exit(0))
server.listen(0, '127.0.0.1', () => process.send({type: 'ready', url: `http://127.0.0.1:${server.address().port}/webhooks/junkmail`}))
