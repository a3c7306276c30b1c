import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'
import {describeAttempt} from '../../src/cli/describe-attempt.js'
import type {PresentedAttempt, PresentedDelivery} from '../../src/emulator/present.js'

type Resent = {deliveries: Array<PresentedDelivery & {firstAttempt: PresentedAttempt | null}>}

export default class EventsResend extends ApiCommand {
  static summary = 'Send an event again: a new delivery with the same body, signed afresh.'
  static description = 'Without --webhook, goes to every enabled webhook subscribed to the event type now.'
  static examples = [
    '<%= config.bin %> events resend 3b1f0c9e-2f4e-4c11-9d0e-5b7a8f7c2a10',
    '<%= config.bin %> events resend 3b1f0c9e-2f4e-4c11-9d0e-5b7a8f7c2a10 --webhook f47ac10b-58cc-4372-a567-0e02b2c3d479',
  ]
  static args = {id: Args.string({description: 'Event id.', required: true})}
  static flags = {webhook: Flags.string({description: 'Resend only to this webhook.'})}

  async run(): Promise<Resent> {
    const {args, flags} = await this.parse(EventsResend)
    const client = await this.client(flags)
    const {data} = await client.post<{data: Resent}>(`${EMULATOR_PREFIX}/events/${encodeURIComponent(args.id)}/resend`, {
      ...(flags.webhook ? {webhookId: flags.webhook} : {}),
      wait: true,
    })
    if (data.deliveries.length === 0) this.say('No enabled webhook is subscribed to this event type: nothing sent.')
    for (const d of data.deliveries) {
      this.say(`Resent to ${d.webhookId} ${d.url}  ${d.firstAttempt ? describeAttempt(d.firstAttempt, d.maxAttempts) : 'sending…'}`)
    }
    return data
  }
}
