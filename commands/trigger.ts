import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {ApiCommand, EMULATOR_PREFIX} from '../src/cli/api-command.js'
import {describeAttempt} from '../src/cli/describe-attempt.js'
import {oneLine} from '../src/cli/terminal-text.js'
import {UsageError} from '../src/cli/junkmail-command.js'
import {parseDuration} from '../src/clock/duration.js'
import type {PresentedAttempt, PresentedDelivery, PresentedEvent} from '../src/emulator/present.js'

type TriggerResult = {
  event: PresentedEvent
  deliveries: Array<PresentedDelivery & {firstAttempt?: PresentedAttempt | null; lastAttempt?: PresentedAttempt | null}>
  /** With --wait: whether every delivery settled in time, and what was seen. */
  settled?: boolean
  seen?: string
}

export default class Trigger extends ApiCommand {
  static summary = 'Fire a catalog event with sample data to every subscribed webhook.'
  static description = 'Prints the event id and, for each webhook, how the first attempt went. Failed attempts are retried on the documented schedule, divided by the time scale. Exit code 0 once the event is created, whatever the endpoints answered (see --wait and --fail-on-error); with --wait, 0 when every delivery succeeded, 1 when one failed, 124 on timeout.'
  static examples = [
    '<%= config.bin %> trigger email.received',
    '<%= config.bin %> trigger email.received --set subject="Your code is 123456" --set from=alice@example.com',
    '<%= config.bin %> trigger address.expired --webhook f47ac10b-58cc-4372-a567-0e02b2c3d479 --json',
    '<%= config.bin %> trigger email.received --wait --timeout 1m',
  ]
  static args = {event: Args.string({description: 'Event type, e.g. email.received (see: junkmail catalog).', required: true})}
  static flags = {
    webhook: Flags.string({description: 'Send only to this webhook (it must be subscribed and enabled).'}),
    set: Flags.string({description: 'Override a payload field: path=value (repeatable), e.g. subject=Hello.', multiple: true}),
    wait: Flags.boolean({description: 'Wait until every delivery has settled (succeeded, or failed its last attempt); exit 0 only if all succeeded, 124 on --timeout. --no-wait: not even for the first attempts (by default each one is printed).', allowNo: true}),
    timeout: Flags.string({description: 'With --wait: how long to wait, e.g. 30s, 2m.', default: '30s'}),
    'fail-on-error': Flags.boolean({description: 'Exit 1 when a first attempt failed.', default: false}),
    'allow-no-webhooks': Flags.boolean({description: 'With --wait or --fail-on-error: exit 0 when no webhook is subscribed (by default that fails: nothing was tested).', default: false}),
  }

  async run(): Promise<TriggerResult> {
    const {args, flags} = await this.parse(Trigger)
    const set: Record<string, string> = {}
    for (const pair of flags.set ?? []) {
      const eq = pair.indexOf('=')
      if (eq <= 0) throw new UsageError(`--set expects path=value, got "${pair}"`)
      set[pair.slice(0, eq)] = pair.slice(eq + 1)
    }
    let timeoutMs: number
    try {
      timeoutMs = parseDuration(flags.timeout)
    } catch (error) {
      throw new UsageError(`--timeout: ${(error as Error).message}`)
    }
    const client = await this.client(flags)
    const {data} = await client.post<{data: TriggerResult}>(`${EMULATOR_PREFIX}/events`, {
      event: args.event,
      ...(flags.webhook ? {webhookId: flags.webhook} : {}),
      set,
      wait: flags.wait === true ? 'settled' : flags.wait !== false,
      ...(flags.wait === true ? {timeoutMs: Math.max(1, Math.round(timeoutMs))} : {}),
    })
    this.say(`Triggered ${data.event.type} ${data.event.id}`)
    if (data.deliveries.length === 0) {
      this.say(`  no enabled webhook is subscribed to ${data.event.type}; create one with: junkmail webhooks create --url URL --events ${data.event.type}`)
      if ((flags.wait || flags['fail-on-error']) && !flags['allow-no-webhooks']) {
        this.tell(`Error: no webhook received ${data.event.type}, so nothing was tested (pass --allow-no-webhooks if that is fine)`)
        process.exitCode = 1
      }
      return data
    }
    for (const d of data.deliveries) {
      const attempt = flags.wait ? d.lastAttempt : d.firstAttempt
      const outcome = flags.wait ? `${d.status}${attempt ? ` after ${d.attemptCount} attempt${d.attemptCount === 1 ? '' : 's'}: ${describeAttempt(attempt, d.maxAttempts)}` : ''}` : attempt ? describeAttempt(attempt, d.maxAttempts) : 'sending…'
      this.say(`  → ${d.webhookId} ${oneLine(d.url)}  ${outcome}`)
    }
    if (flags.wait) {
      if (!data.settled) {
        this.tell(`Error: timed out after ${flags.timeout} waiting for every delivery to settle: ${data.seen}`)
        process.exitCode = 124
      } else if (data.deliveries.some((d) => d.status !== 'succeeded')) process.exitCode = 1
    } else if (flags['fail-on-error'] && data.deliveries.some((d) => d.firstAttempt?.outcome !== 'success')) process.exitCode = 1
    return data
  }
}
