// The baseline of bench/smtp-ingest.js: a bare smtp-server + mailparser sink, configured like the
// emulator's (no auth required, no reverse DNS, no STARTTLS) and doing nothing with the mail but
// parse it in full. No store, no webhook. Forked by the benchmark: prints {type:'ready', port}.
//   BARE_WEBHOOK_URL=<url>  after each mail is parsed and accepted, POST a signed email.received
//       (HMAC-SHA256, undici, keep-alive pool) to this URL, as the emulator does, still with no
//       store and no .eml file: the ceiling of any sink that sends a webhook per mail.
import {createHmac} from 'node:crypto'
import {SMTPServer} from 'smtp-server'
import {simpleParser} from 'mailparser'
import {Agent} from 'undici'

const webhook = process.env.BARE_WEBHOOK_URL ? new URL(process.env.BARE_WEBHOOK_URL) : null
const agent = webhook ? new Agent({connections: 64, keepAliveTimeout: 4000}) : null
const secret = 'whsec_bench'

function post(mail) {
  const body = JSON.stringify({event: 'email.received', timestamp: Date.now(), data: {from: mail.from?.value[0]?.address ?? null, subject: mail.subject ?? ''}})
  const timestamp = String(Date.now())
  // As JunkMail signs: HMAC-SHA256 of the raw body.
  const signature = createHmac('sha256', secret).update(body).digest('hex')
  agent
    .request({
      origin: webhook.origin,
      path: webhook.pathname,
      method: 'POST',
      headers: {'Content-Type': 'application/json', 'X-JunkMail-Signature': `sha256=${signature}`, 'X-JunkMail-Timestamp': timestamp},
      body,
    })
    .then((res) => res.body.dump(), (error) => console.error('bare sink webhook:', error.message))
}

const server = new SMTPServer({
  authOptional: true,
  disableReverseLookup: true,
  disabledCommands: ['STARTTLS'],
  hideSTARTTLS: true,
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, _session, callback) {
    simpleParser(stream).then((mail) => {
      callback()
      if (webhook) post(mail)
    }, callback)
  },
})
server.on('error', () => {})
server.listen(0, '127.0.0.1', () => process.send({type: 'ready', port: server.server.address().port}))
process.on('disconnect', () => process.exit(0))
