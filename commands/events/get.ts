import * as Args from '@oclif/core/args'
import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'
import {formatTable} from '../../src/cli/format-table.js'
import type {PresentedDelivery, PresentedEvent} from '../../src/emulator/present.js'

type EventDetail = PresentedEvent & {deliveries: PresentedDelivery[]}

export default class EventsGet extends ApiCommand {
  static summary = 'Show one event: its payload and its deliveries.'
  static examples = ['<%= config.bin %> events get 3b1f0c9e-2f4e-4c11-9d0e-5b7a8f7c2a10']
  static args = {id: Args.string({description: 'Event id.', required: true})}

  async run(): Promise<EventDetail> {
    const {args, flags} = await this.parse(EventsGet)
    const client = await this.client(flags)
    const {data} = await client.get<{data: EventDetail}>(`${EMULATOR_PREFIX}/events/${encodeURIComponent(args.id)}`)
    this.say(`Event ${data.id}  ${data.type}  created ${data.createdAt}  (${data.source})`)
    this.say(JSON.stringify(data.payload, null, 2))
    if (data.deliveries.length === 0) this.say('No deliveries.')
    else
      this.say(
        '\n' +
          formatTable(
            ['DELIVERY', 'WEBHOOK', 'STATUS', 'ATTEMPTS', 'NEXT ATTEMPT', 'REASON'],
            data.deliveries.map((d) => [d.id, d.webhookId, d.status, `${d.attemptCount}/${d.maxAttempts}`, d.nextAttemptAt, d.reason]),
          ),
      )
    return data
  }
}
