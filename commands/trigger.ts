import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {ApiCommand, EMULATOR_PREFIX} from '../src/cli/api-command.js'
import {describeAttempt} from '../src/cli/describe-attempt.js'
import {oneLine} from '../src/cli/terminal-text.js'
import {UsageError} from '../src/cli/junkmail-command.js'
import type {PresentedAttempt, PresentedDelivery, PresentedEvent} from '../src/emulator/present.js'

type TriggerResult = {event: PresentedEvent; deliveries: Array<PresentedDelivery & {firstAttempt: PresentedAttempt | null}>}

export default class Trigger extends ApiCommand {
  static summary = 'Fire a catalog event with sample data to every subscribed webhook.'
  static description = 'Prints the event id and, for each webhook, how the first attempt went. Failed attempts are retried on the documented schedule, divided by the time scale. Exit code 0 once the event is created, whatever the endpoints answered (see --fail-on-error).'
  static examples = [
    '<%= config.bin %> trigger email.received',
    '<%= config.bin %> trigger email.received --set subject="Your code is 123456" --set from=alice@example.com',
    '<%= config.bin %> trigger address.expired --webhook f47ac10b-58cc-4372-a567-0e02b2c3d479 --json',
  ]
  static args = {event: Args.string({description: 'Event type, e.g. email.received (see: junkmail catalog).', required: true})}
  static flags = {
    webhook: Flags.string({description: 'Send only to this webhook (it must be subscribed and enabled).'}),
    set: Flags.string({description: 'Override a payload field: path=value (repeatable), e.g. subject=Hello.', multiple: true}),
    wait: Flags.boolean({description: 'Wait for the first attempt of each delivery and print its outcome.', default: true, allowNo: true}),
    'fail-on-error': Flags.boolean({description: 'Exit 1 when a first attempt failed.', default: false}),
  }

  async run(): Promise<TriggerResult> {
    const {args, flags} = await this.parse(Trigger)
    const set: Record<string, string> = {}
    for (const pair of flags.set ?? []) {
      const eq = pair.indexOf('=')
      if (eq <= 0) throw new UsageError(`--set expects path=value, got "${pair}"`)
      set[pair.slice(0, eq)] = pair.slice(eq + 1)
    }
    const client = await this.client(flags)
    const {data} = await client.post<{data: TriggerResult}>(`${EMULATOR_PREFIX}/events`, {
      event: args.event,
      ...(flags.webhook ? {webhookId: flags.webhook} : {}),
      set,
      wait: flags.wait,
    })
    this.say(`Triggered ${data.event.type} ${data.event.id}`)
    if (data.deliveries.length === 0) this.say(`  no enabled webhook is subscribed to ${data.event.type}; create one with: junkmail webhooks create --url URL --events ${data.event.type}`)
    for (const d of data.deliveries) {
      const outcome = d.firstAttempt ? describeAttempt(d.firstAttempt, d.maxAttempts) : 'sending…'
      this.say(`  → ${d.webhookId} ${oneLine(d.url)}  ${outcome}`)
    }
    if (flags['fail-on-error'] && data.deliveries.some((d) => d.firstAttempt?.outcome !== 'success')) process.exitCode = 1
    return data
  }
}
