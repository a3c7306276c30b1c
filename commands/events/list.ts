import * as Flags from '@oclif/core/flags'
import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'
import {formatTable} from '../../src/cli/format-table.js'
import type {PresentedEvent} from '../../src/emulator/present.js'

export default class EventsList extends ApiCommand {
  static summary = 'List recent events, newest first.'
  static examples = ['<%= config.bin %> events list', '<%= config.bin %> events list --type email.received --limit 5 --json']
  static flags = {
    type: Flags.string({description: 'Only events of this type.'}),
    limit: Flags.integer({description: 'How many to show.', default: 20, min: 1}),
  }

  async run(): Promise<PresentedEvent[]> {
    const {flags} = await this.parse(EventsList)
    const client = await this.client(flags)
    const {data} = await client.get<{data: PresentedEvent[]}>(`${EMULATOR_PREFIX}/events`, {type: flags.type, limit: flags.limit})
    if (data.length === 0) this.say('No events yet. Fire one with: junkmail trigger email.received')
    else this.say(formatTable(['ID', 'TYPE', 'CREATED', 'SOURCE'], data.map((e) => [e.id, e.type, e.createdAt, e.source])))
    return data
  }
}
