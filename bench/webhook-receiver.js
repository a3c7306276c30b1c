// The webhook endpoint the benchmarks deliver to: a node:http server on 127.0.0.1:0 that reads
// each request body and answers 200 (keep-alive). It runs in its own process, as a real
// application would, so it does not share the event loop it is measuring.
//
// Not run by hand: bench/dispatch-throughput.js forks it and talks over IPC.
//   child → parent  {type: 'ready', url}
//   parent → child  {type: 'expect', count}   start counting from zero; answer {type: 'armed'}
//   child → parent  {type: 'received', times}  once `count` requests arrived: when each did,
//                                              in ms since the epoch (performance.timeOrigin based)
import http from 'node:http'

if (!process.send) {
  console.error('webhook-receiver.js is forked by the benchmarks; run node bench/dispatch-throughput.js')
  process.exit(2)
}

let expected = Number.POSITIVE_INFINITY
let times = new Float64Array(1024)
let count = 0

const server = http.createServer({keepAlive: true, keepAliveTimeout: 30_000}, (req, res) => {
  req.on('data', () => {})
  req.on('end', () => {
    res.writeHead(200, {'content-type': 'text/plain', 'content-length': '2'})
    res.end('ok')
    if (count === times.length) {
      const bigger = new Float64Array(times.length * 2)
      bigger.set(times)
      times = bigger
    }
    times[count++] = performance.timeOrigin + performance.now()
    if (count === expected) process.send({type: 'received', times: Array.from(times.subarray(0, count))})
  })
})
server.requestTimeout = 0
server.headersTimeout = 60_000

process.on('message', (message) => {
  if (message.type === 'expect') {
    expected = message.count
    count = 0
    process.send({type: 'armed'})
  }
})
process.on('disconnect', () => process.exit(0))

server.listen(0, '127.0.0.1', () => {
  process.send({type: 'ready', url: `http://127.0.0.1:${server.address().port}/webhooks/junkmail`})
})
