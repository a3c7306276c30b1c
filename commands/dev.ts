import * as Flags from '@oclif/core/flags'
import {apiKeyFlag} from '../src/cli/api-key-flag.js'
import {providerFlag} from '../src/cli/provider-flag.js'
import {ForwardToError} from '../src/cli/dev-session.js'
import {JunkmailCommand, UsageError} from '../src/cli/junkmail-command.js'
import {PublicDefaultKeyError} from '../src/emulator/defaults.js'
import {loadProvider} from '../src/providers/registry.js'

const positiveNumber = Flags.custom<number>({
  parse: async (input) => {
    const n = Number(input)
    if (input.trim() === '' || !Number.isFinite(n) || n <= 0) throw new Error(`expected a positive number, got "${input}"`)
    return n
  },
})

const hostList = Flags.custom<string[]>({
  // Loaded only when the flag is given: the HTTP modules are not needed to parse the others.
  parse: async (input) => (await import('../src/http/host-check.js')).parseAllowedHosts(input),
})

export default class Dev extends JunkmailCommand {
  static summary = 'Start the emulator: the provider\'s API (JunkMail by default), the SMTP sink, the webhook dispatcher and its store.'
  static description = `Runs in the foreground until Ctrl+C (SIGINT), SIGTERM or SIGHUP (terminal closed), then stops cleanly and flushes the store. Pending retries are kept in the data dir and resume at the next start.

With --json, prints NDJSON: the first line is {"type":"ready",...} with apiUrl and apiKey, then one line per event and attempt.

Every flag can also be set by the environment variable named next to it.`
  static examples = [
    '<%= config.bin %> dev',
    '<%= config.bin %> dev --forward-to http://localhost:3000/webhooks/junkmail',
    '<%= config.bin %> dev --port 0 --in-memory --time-scale 3600 --json',
    'JUNKMAIL_PORT=0 JUNKMAIL_DATA_DIR=/tmp/jm <%= config.bin %> dev --json | head -1',
  ]
  static flags = {
    host: Flags.string({description: 'Address the API listens on.', default: '127.0.0.1', env: 'JUNKMAIL_HOST'}),
    'allowed-hosts': hostList({description: 'More names the API answers (as Host, and in Origin) besides loopback and --host, comma-separated, e.g. host.docker.internal,junkmail for containers. Other Hosts get 403 (DNS rebinding).', env: 'JUNKMAIL_ALLOWED_HOSTS'}),
    port: Flags.integer({description: 'API port; 0 picks a free one (the ready line says which).', default: 7380, min: 0, max: 65535, env: 'JUNKMAIL_PORT'}),
    'data-dir': Flags.string({description: 'Folder of the store (db.json) and runtime file.', default: '.junkmail', env: 'JUNKMAIL_DATA_DIR'}),
    'in-memory': Flags.boolean({description: 'Keep nothing on disk (wins over --data-dir).', default: false, env: 'JUNKMAIL_IN_MEMORY'}),
    'api-key': apiKeyFlag({description: 'API key the API accepts (all scopes): visible ASCII, no spaces.', default: 'jm_test_local', env: 'JUNKMAIL_API_KEY'}),
    'time-scale': positiveNumber({description: 'Divide every retry delay by this (60: 1 min → 1 s; 1: real time).', default: 60, env: 'JUNKMAIL_TIME_SCALE'}),
    provider: providerFlag('The email service to emulate: its API, events, envelope, signing and retry schedule. One per data dir.'),
    'attempt-timeout': Flags.integer({description: 'Overall deadline of one delivery attempt (connect, TLS, headers and body; from when it is sent), in ms (not scaled). Default: the provider\'s (JunkMail 10000).', min: 1, env: 'JUNKMAIL_ATTEMPT_TIMEOUT'}),
    sign: Flags.boolean({description: 'Sign every delivery where the provider\'s contract defines no signature (Sendook: X-Sendook-Signature: sha256=<hex HMAC-SHA256 of the body, keyed with the webhook\'s secret>).', default: false, env: 'JUNKMAIL_SIGN'}),
    'disable-after': Flags.integer({description: 'Disable a webhook after this many deliveries in a row failed every attempt. Default: the provider\'s (JunkMail 1).', min: 1, env: 'JUNKMAIL_DISABLE_AFTER'}),
    'headers-timeout': Flags.integer({description: 'Time an API client has to send a request\'s line and headers, in ms (then 408, closed).', default: 10_000, min: 100, env: 'JUNKMAIL_HEADERS_TIMEOUT'}),
    'request-timeout': Flags.integer({description: 'Time an API client has to send a whole request, body included, in ms (then 408, closed); at least --headers-timeout.', default: 30_000, min: 100, env: 'JUNKMAIL_REQUEST_TIMEOUT'}),
    'smtp-timeout': Flags.integer({description: 'An SMTP session that completes no command for this long (idle, or drip-fed) gets 421 and is closed, in ms.', default: 60_000, min: 100, env: 'JUNKMAIL_SMTP_TIMEOUT'}),
    'max-events': Flags.integer({description: 'History cap: oldest finished events (and their attempts) beyond this are pruned and counted.', default: 50_000, min: 1, env: 'JUNKMAIL_MAX_EVENTS'}),
    'smtp-port': Flags.integer({description: 'SMTP port of the mail sink; 0 picks a free one.', default: 7325, min: 0, max: 65535, env: 'JUNKMAIL_SMTP_PORT'}),
    smtp: Flags.boolean({description: 'Start the SMTP sink (--no-smtp: API and webhooks only).', default: true, allowNo: true}),
    tui: Flags.boolean({description: 'The interactive event viewer on a terminal (--no-tui: plain log lines). Never under --json, CI or without a terminal.', default: true, allowNo: true, env: 'JUNKMAIL_TUI'}),
    'strict-recipients': Flags.boolean({description: 'Refuse mail to unknown addresses (550) instead of creating them on the fly.', default: false, env: 'JUNKMAIL_STRICT_RECIPIENTS'}),
    'max-message-size': Flags.integer({description: 'Largest message accepted, in bytes (larger: 552).', default: 10 * 1024 * 1024, min: 1024, env: 'JUNKMAIL_MAX_MESSAGE_SIZE'}),
    'max-recipients': Flags.integer({description: 'Most recipients per message (more: 452).', default: 50, min: 1, env: 'JUNKMAIL_MAX_RECIPIENTS'}),
    'address-lifetime': Flags.integer({description: 'Lifetime of new addresses, in seconds before the time scale (3600: an hour, 1 min at scale 60).', default: 3600, min: 60, env: 'JUNKMAIL_ADDRESS_LIFETIME'}),
    'smtp-tls-key': Flags.string({description: 'PEM private key: offer STARTTLS (with --smtp-tls-cert).', dependsOn: ['smtp-tls-cert'], env: 'JUNKMAIL_SMTP_TLS_KEY'}),
    'smtp-tls-cert': Flags.string({description: 'PEM certificate for STARTTLS.', dependsOn: ['smtp-tls-key'], env: 'JUNKMAIL_SMTP_TLS_CERT'}),
    'forward-to': Flags.string({description: 'Register (or reuse) a webhook to this URL at start and print its secret.', env: 'JUNKMAIL_FORWARD_TO'}),
    events: Flags.string({description: 'Events for --forward-to, comma-separated (default: all).', multiple: true, delimiter: ',', dependsOn: ['forward-to']}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(Dev)
    if (flags['headers-timeout'] > flags['request-timeout']) {
      throw new UsageError(`--headers-timeout (${flags['headers-timeout']} ms) must not exceed --request-timeout (${flags['request-timeout']} ms)`)
    }
    const controller = new AbortController()
    let signals = 0
    const onSignal = () => {
      if (++signals > 1) process.exit(130)
      controller.abort()
    }
    // SIGHUP: the terminal was closed. A write error on stdout: whoever read it is gone (EPIPE after
    // `| head`, EIO on a closed terminal). Either way, stop cleanly rather than die mid-write.
    // (@oclif/core's own stdout error listener ignores EPIPE, which would leave the emulator running
    // with nobody reading, and rethrows the rest, EIO included: it is set aside while dev runs.)
    const onOutputError = () => controller.abort()
    // Not put back: the last lines are written as the process exits, after run() returns.
    process.stdout.removeAllListeners('error')
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    process.on('SIGHUP', onSignal)
    process.stdout.on('error', onOutputError)
    const {runDevSession} = await import('../src/cli/dev-session.js')
    const {readFile} = await import('node:fs/promises')
    const smtpTls =
      flags['smtp-tls-key'] && flags['smtp-tls-cert']
        ? {key: await readFile(flags['smtp-tls-key']), cert: await readFile(flags['smtp-tls-cert'])}
        : undefined
    try {
      // The viewer only where it can run: a terminal on stdin and stdout, CI unset, no --json.
      const {viewerUnavailable} = await import('../src/ui/run-viewer.js')
      const tui = flags.tui && !this.jsonEnabled() && viewerUnavailable() === null
      await runDevSession({
        tui,
        host: flags.host,
        allowedHosts: flags['allowed-hosts'],
        port: flags.port,
        dataDir: flags['in-memory'] ? null : flags['data-dir'],
        apiKey: flags['api-key'],
        timeScale: flags['time-scale'],
        provider: await loadProvider(flags.provider),
        attemptTimeoutMs: flags['attempt-timeout'],
        disableAfterFailedDeliveries: flags['disable-after'],
        sign: flags.sign,
        apiHeadersTimeoutMs: flags['headers-timeout'],
        apiRequestTimeoutMs: flags['request-timeout'],
        smtpCommandTimeoutMs: flags['smtp-timeout'],
        maxEvents: flags['max-events'],
        smtpPort: flags.smtp ? flags['smtp-port'] : false,
        strictRecipients: flags['strict-recipients'],
        maxMessageSize: flags['max-message-size'],
        maxRecipients: flags['max-recipients'],
        addressLifetimeSeconds: flags['address-lifetime'],
        smtpTls,
        forwardTo: flags['forward-to'],
        forwardEvents: flags.events?.map((e) => e.trim()).filter(Boolean),
        json: this.jsonEnabled(),
        signal: controller.signal,
      })
    } catch (error) {
      if (error instanceof ForwardToError || error instanceof PublicDefaultKeyError) throw new UsageError(error.message)
      throw error
    } finally {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
      process.off('SIGHUP', onSignal)
    }
  }
}
