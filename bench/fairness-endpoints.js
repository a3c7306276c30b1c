// The webhook endpoints bench/dispatch-fairness.js delivers to: three node:http servers on
// 127.0.0.1:0 in their own process (as real applications would be, so they do not share the event
// loop being measured).
//
//   hang     reads each request and never answers
//   slow     answers 200 after `slowMs` (argv[2], ms)
//   healthy  answers 200 at once, except a 503 to the first request of every 4th body it has not
//            seen before (so retries are measured too)
//
// Every request is recorded when its body has been read: which server, its X-JunkMail-Timestamp,
// its body (healthy only) and when it arrived (ms since the epoch, performance.timeOrigin based).
//
// Not run by hand: bench/dispatch-fairness.js forks it and talks over IPC.
//   child → parent  {type: 'ready', urls: {hang, slow, healthy}}
//   parent → child  {type: 'report'}
//   child → parent  {type: 'report', arrivals: {hang, slow, healthy}, maxOpen: {hang, slow, healthy}}
import http from 'node:http'

if (!process.send) {
  console.error('fairness-endpoints.js is forked by bench/dispatch-fairness.js; run that')
  process.exit(2)
}

const slowMs = Number(process.argv[2] ?? 1000)
const now = () => performance.timeOrigin + performance.now()
const arrivals = {hang: [], slow: [], healthy: []}
const open = {hang: 0, slow: 0, healthy: 0}
const maxOpen = {hang: 0, slow: 0, healthy: 0}
const seen = new Set()

function serve(name, answer) {
  const server = http.createServer({keepAlive: true, keepAliveTimeout: 30_000}, (req, res) => {
    open[name]++
    maxOpen[name] = Math.max(maxOpen[name], open[name])
    res.on('close', () => open[name]--)
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => {
      const at = now()
      const body = Buffer.concat(chunks).toString('utf8')
      arrivals[name].push({at, stamp: Number(req.headers['x-junkmail-timestamp']), body: name === 'healthy' ? body : undefined})
      answer(res, body)
    })
  })
  server.requestTimeout = 0
  server.headersTimeout = 60_000
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}/webhooks/junkmail`)))
}

const reply = (res, status) => {
  res.writeHead(status, {'content-type': 'text/plain', 'content-length': '2'})
  res.end('ok')
}

const urls = {
  hang: await serve('hang', () => {}),
  slow: await serve('slow', (res) => setTimeout(() => reply(res, 200), slowMs)),
  healthy: await serve('healthy', (res, body) => {
    if (seen.has(body)) return reply(res, 200)
    seen.add(body)
    reply(res, seen.size % 4 === 0 ? 503 : 200)
  }),
}

process.on('message', (message) => {
  if (message.type === 'report') process.send({type: 'report', arrivals, maxOpen})
})
process.on('disconnect', () => process.exit(0))
process.send({type: 'ready', urls})
