import * as Flags from '@oclif/core/flags'
import {apiKeyFlag} from './api-key-flag.js'
import {providerFlag} from './provider-flag.js'
import {UsageError} from './junkmail-command.js'
import type {EmulatorOptions} from '../emulator/start-emulator.js'
import {loadProvider} from '../providers/registry.js'

// The flags that start an emulator, shared by `dev` and `exec` (exec changes a few defaults).

const positiveNumber = Flags.custom<number>({
  parse: async (input) => {
    const n = Number(input)
    if (input.trim() === '' || !Number.isFinite(n) || n <= 0) throw new Error(`expected a positive number, got "${input}"`)
    return n
  },
})

const hostList = Flags.custom<string[]>({
  // Loaded only when the flag is given: the HTTP modules are not needed to parse the others.
  parse: async (input) => (await import('../http/host-check.js')).parseAllowedHosts(input),
})

/** Every flag of `junkmail dev`. */
export const devFlags = {
  host: Flags.string({description: 'Address the API listens on.', default: '127.0.0.1', env: 'JUNKMAIL_HOST'}),
  'allowed-hosts': hostList({description: 'More names the API answers (as Host, and in Origin) besides loopback and --host, comma-separated, e.g. host.docker.internal,junkmail for containers. Other Hosts get 403 (DNS rebinding).', env: 'JUNKMAIL_ALLOWED_HOSTS'}),
  port: Flags.integer({description: 'API port; 0 picks a free one (the ready line says which).', default: 7380, min: 0, max: 65535, env: 'JUNKMAIL_PORT'}),
  'data-dir': Flags.string({description: 'Folder of the store (db.json) and runtime file.', default: '.junkmail', env: 'JUNKMAIL_DATA_DIR'}),
  'in-memory': Flags.boolean({description: 'Keep nothing on disk (wins over --data-dir).', default: false, env: 'JUNKMAIL_IN_MEMORY'}),
  'api-key': apiKeyFlag({description: 'API key the API accepts (all scopes): visible ASCII, no spaces.', default: 'jm_test_local', env: 'JUNKMAIL_API_KEY'}),
  'time-scale': positiveNumber({description: 'Divide every retry delay by this (60: 1 min → 1 s; 1: real time).', default: 60, env: 'JUNKMAIL_TIME_SCALE'}),
  clock: Flags.option({options: ['real', 'manual'] as const, description: 'real: time runs by itself (retry delays divided by --time-scale); manual: it moves only with junkmail clock advance, delays as documented.', default: 'real' as const, env: 'JUNKMAIL_CLOCK'})(),
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
  'address-lifetime': Flags.integer({description: 'Lifetime of new addresses, in seconds (3600: an hour of emulator time; see --scale-address-lifetime).', default: 3600, min: 60, env: 'JUNKMAIL_ADDRESS_LIFETIME'}),
  'scale-address-lifetime': Flags.boolean({description: 'Divide address lifetimes by --time-scale too (an hour lasts a minute at 60). By default they last as asked.', default: false, env: 'JUNKMAIL_SCALE_ADDRESS_LIFETIME'}),
  'smtp-tls-key': Flags.string({description: 'PEM private key: offer STARTTLS (with --smtp-tls-cert).', dependsOn: ['smtp-tls-cert'], env: 'JUNKMAIL_SMTP_TLS_KEY'}),
  'smtp-tls-cert': Flags.string({description: 'PEM certificate for STARTTLS.', dependsOn: ['smtp-tls-key'], env: 'JUNKMAIL_SMTP_TLS_CERT'}),
  'forward-to': Flags.string({description: 'Register (or reuse) a webhook to this URL at start and print its secret.', env: 'JUNKMAIL_FORWARD_TO'}),
  events: Flags.string({description: 'Events for --forward-to, comma-separated (default: all).', multiple: true, delimiter: ',', dependsOn: ['forward-to']}),
}
type DevFlagValues = {
  host: string
  'allowed-hosts'?: string[]
  port: number
  'data-dir': string
  'in-memory': boolean
  'api-key': string
  'time-scale': number
  clock: 'real' | 'manual'
  provider: string
  'attempt-timeout'?: number
  sign: boolean
  'disable-after'?: number
  'headers-timeout': number
  'request-timeout': number
  'smtp-timeout': number
  'max-events': number
  'smtp-port': number
  smtp: boolean
  'strict-recipients': boolean
  'max-message-size': number
  'max-recipients': number
  'address-lifetime': number
  'scale-address-lifetime': boolean
  'smtp-tls-key'?: string
  'smtp-tls-cert'?: string
}

/** The emulator's options from dev's flags (checked together: a usage error names the flags). */
export async function emulatorOptions(flags: DevFlagValues): Promise<EmulatorOptions> {
  if (flags['headers-timeout'] > flags['request-timeout']) {
    throw new UsageError(`--headers-timeout (${flags['headers-timeout']} ms) must not exceed --request-timeout (${flags['request-timeout']} ms)`)
  }
  const {readFile} = await import('node:fs/promises')
  const smtpTls =
    flags['smtp-tls-key'] && flags['smtp-tls-cert']
      ? {key: await readFile(flags['smtp-tls-key']), cert: await readFile(flags['smtp-tls-cert'])}
      : undefined
  return {
    host: flags.host,
    allowedHosts: flags['allowed-hosts'],
    port: flags.port,
    dataDir: flags['in-memory'] ? null : flags['data-dir'],
    apiKey: flags['api-key'],
    timeScale: flags['time-scale'],
    clock: flags.clock,
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
    scaleAddressLifetimes: flags['scale-address-lifetime'],
    smtpTls,
  }
}
