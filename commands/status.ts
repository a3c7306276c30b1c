import {ApiCommand, EMULATOR_PREFIX} from '../src/cli/api-command.js'

interface Status {
  version: string
  node: string
  pid: number
  startedAt: string
  apiUrl: string
  apiPath?: string
  smtp: {host: string; port: number; sessions: number; messagesInProgress: number} | null
  dataDir: string | null
  inMemory: boolean
  provider: string
  providerName?: string
  timeScale: number
  attemptTimeoutMs: number
  counts: {webhooks: number; addresses: number; emails: number; mailboxes?: number; messages?: number; events: number; deliveries: number; pendingDeliveries: number; attempts: number; pruned: {events: number; deliveries: number; attempts: number}}
  nouns?: {mailbox: [string, string]; message: [string, string]} | null
  storeError: string | null
  spool?: {segments: number; bytes: number; liveBytes: number; legacyFiles: number}
  spoolError?: string | null
}

export default class StatusCommand extends ApiCommand {
  static summary = 'Is an emulator running, where, and with what in its store.'
  static description = 'Exit code 0 when an emulator answers, 1 when none is running.'
  static examples = ['<%= config.bin %> status', '<%= config.bin %> status --json', '<%= config.bin %> status --api-url http://127.0.0.1:7380']

  async run(): Promise<Status> {
    const {flags} = await this.parse(StatusCommand)
    const client = await this.client(flags)
    const {data: s} = await client.get<{data: Status}>(`${EMULATOR_PREFIX}/status`)
    const c = s.counts
    this.say(`junkmail ${s.version} is running (pid ${s.pid}, since ${s.startedAt})`)
    this.say(`  Node.js     ${s.node}`)
    this.say(`  API         ${s.apiUrl}${s.apiPath ?? '/api/v1'}`)
    this.say(`  SMTP        ${s.smtp ? `${s.smtp.host}:${s.smtp.port}${smtpActivity(s.smtp)}` : 'off'}`)
    this.say(`  provider    ${s.providerName ?? s.provider} (${s.provider})`)
    this.say(`  store       ${s.inMemory ? 'in memory (nothing on disk)' : `${s.dataDir}/db.json`}`)
    this.say(`  time scale  ${s.timeScale} (1 min of the retry schedule takes ${(60 / s.timeScale).toFixed(3).replace(/\.?0+$/, '')} s)`)
    this.say(`  webhooks    ${c.webhooks}`)
    // In the provider's words: addresses and emails, inboxes and messages.
    const nouns = s.nouns ?? {mailbox: ['address', 'addresses'], message: ['email', 'emails']}
    this.say(`  ${nouns.mailbox[1].padEnd(10)}  ${c.mailboxes ?? c.addresses}`)
    this.say(`  ${nouns.message[1].padEnd(10)}  ${c.messages ?? c.emails}`)
    this.say(`  events      ${c.events}`)
    this.say(`  deliveries  ${c.deliveries} (${c.pendingDeliveries} pending)`)
    this.say(`  attempts    ${c.attempts}`)
    const pruned = c.pruned.events + c.pruned.deliveries + c.pruned.attempts
    this.say(`  pruned      ${pruned === 0 ? 'nothing' : `${c.pruned.events} events, ${c.pruned.deliveries} deliveries, ${c.pruned.attempts} attempts (history cap, --max-events)`}`)
    if (s.spool && !s.inMemory && (s.spool.bytes > 0 || s.spool.legacyFiles > 0)) {
      const legacy = s.spool.legacyFiles > 0 ? `; ${s.spool.legacyFiles} .eml files of an older version still to take in` : ''
      this.say(`  raw mail    ${megabytes(s.spool.bytes)} in ${s.spool.segments} spool segment${s.spool.segments === 1 ? '' : 's'} (${megabytes(s.spool.liveBytes)} of it live${legacy})`)
    }
    if (s.storeError) this.say(`  store error ${s.storeError}`)
    if (s.spoolError) this.say(`  spool error ${s.spoolError}`)
    return s
  }
}

/** ` (2 sessions open, 1 message in progress)`, or nothing when the sink is idle. */
function smtpActivity(smtp: {sessions: number; messagesInProgress: number}): string {
  const parts = []
  if (smtp.sessions > 0) parts.push(`${smtp.sessions} session${smtp.sessions === 1 ? '' : 's'} open`)
  if (smtp.messagesInProgress > 0) parts.push(`${smtp.messagesInProgress} message${smtp.messagesInProgress === 1 ? '' : 's'} in progress`)
  return parts.length > 0 ? ` (${parts.join(', ')})` : ''
}

/** Bytes as `12.3 MB` (`0.4 KB` below 100 KB). */
function megabytes(bytes: number): string {
  return bytes < 100 * 1024 ? `${(bytes / 1024).toFixed(1)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`
}
