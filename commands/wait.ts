import * as Flags from '@oclif/core/flags'
import {ApiCommand, EMULATOR_PREFIX} from '../src/cli/api-command.js'
import {UsageError} from '../src/cli/junkmail-command.js'
import {parseDuration} from '../src/clock/duration.js'

interface WaitResult {
  met: boolean
  seen: string
}

export default class Wait extends ApiCommand {
  static summary = 'Wait for something to happen in the emulator, with a timeout: for scripts and CI.'
  static description = `Give one condition: --event TYPE (at least --count of them in the history), --delivery ID (--status succeeded, failed or settled), --mailbox ADDRESS (at least --messages mails there, received or sent; an inbox or an address) or --webhook ID --disabled. Checked at once, then whenever something happens: no polling, no sleep.

Exit code 0 when it holds, 124 when --timeout passes first (the message says what was seen), 2 for a usage error.`
  static examples = [
    '<%= config.bin %> wait --event email.received --count 2 --timeout 10s',
    '<%= config.bin %> wait --mailbox signup@junkmail.local --messages 1',
    '<%= config.bin %> wait --delivery 0b6c… --status succeeded --json',
    '<%= config.bin %> wait --webhook f47ac10b-… --disabled --timeout 2m',
  ]
  static flags = {
    event: Flags.string({description: 'Wait for events of this type.', exclusive: ['delivery', 'mailbox', 'webhook']}),
    count: Flags.integer({description: 'With --event: how many (in the whole history).', min: 1, dependsOn: ['event']}),
    delivery: Flags.string({description: 'Wait for this delivery…', exclusive: ['event', 'mailbox', 'webhook']}),
    status: Flags.option({options: ['succeeded', 'failed', 'settled'] as const, description: '…to be succeeded, failed, or either (settled).', dependsOn: ['delivery']})(),
    mailbox: Flags.string({description: 'Wait for mail at this address or inbox (address or id).', exclusive: ['event', 'delivery', 'webhook']}),
    messages: Flags.integer({description: 'With --mailbox: how many messages.', min: 1, dependsOn: ['mailbox']}),
    webhook: Flags.string({description: 'Wait for this webhook to be disabled (with --disabled).', exclusive: ['event', 'delivery', 'mailbox'], dependsOn: ['disabled']}),
    disabled: Flags.boolean({description: 'With --webhook: wait until it is disabled.', dependsOn: ['webhook']}),
    timeout: Flags.string({description: 'Give up after this long (30s, 2m, …): exit 124.', default: '30s'}),
  }

  async run(): Promise<WaitResult> {
    const {flags} = await this.parse(Wait)
    if (!flags.event && !flags.delivery && !flags.mailbox && !flags.webhook) throw new UsageError('give one condition: --event, --delivery, --mailbox or --webhook --disabled')
    let timeoutMs: number
    try {
      timeoutMs = Math.max(1, Math.round(parseDuration(flags.timeout)))
    } catch (error) {
      throw new UsageError(`--timeout: ${(error as Error).message}`)
    }
    const client = await this.client(flags)
    const {data} = await client.post<{data: WaitResult}>(`${EMULATOR_PREFIX}/wait`, {
      ...(flags.event ? {event: flags.event, ...(flags.count ? {count: flags.count} : {})} : {}),
      ...(flags.delivery ? {deliveryId: flags.delivery, ...(flags.status ? {status: flags.status} : {})} : {}),
      ...(flags.mailbox ? {mailbox: flags.mailbox, ...(flags.messages ? {messages: flags.messages} : {})} : {}),
      ...(flags.webhook ? {webhookId: flags.webhook, disabled: true} : {}),
      timeoutMs,
    })
    if (data.met) this.say(`Done: ${data.seen}`)
    else {
      this.tell(`Error: timed out after ${flags.timeout}: ${data.seen}`)
      process.exitCode = 124
    }
    return data
  }
}
