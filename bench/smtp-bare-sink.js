// The baseline of bench/smtp-ingest.js: a bare smtp-server + mailparser sink, configured like the
// emulator's (no auth required, no reverse DNS, no STARTTLS) and doing nothing with the mail but
// parse it in full. No store, no webhook. Forked by the benchmark: prints {type:'ready', port}.
//   BARE_PROMPT=1  also skip smtp-server's 100 ms pre-greeting delay, as the emulator does.
import {SMTPServer} from 'smtp-server'
import {simpleParser} from 'mailparser'

const server = new SMTPServer({
  authOptional: true,
  disableReverseLookup: true,
  disabledCommands: ['STARTTLS'],
  hideSTARTTLS: true,
  logger: false,
  size: 10 * 1024 * 1024,
  onData(stream, _session, callback) {
    simpleParser(stream).then(() => callback(), callback)
  },
})
server.on('error', () => {})
server.listen(0, '127.0.0.1', () => process.send({type: 'ready', port: server.server.address().port}))
process.on('disconnect', () => process.exit(0))
