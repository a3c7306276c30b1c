import * as Flags from '@oclif/core/flags'
import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'
import {formatTable} from '../../src/cli/format-table.js'
import {type Listed, pageFlags, readList, truncationNote} from '../../src/cli/paged-list.js'
import type {PresentedEvent} from '../../src/emulator/present.js'

export default class EventsList extends ApiCommand {
  static summary = 'List recent events, newest first.'
  static description = 'Shows the newest --limit; says when there are more. With --json: {"data": [...], "total": N, "next": <id to pass as --before, or null>}.'
  static examples = ['<%= config.bin %> events list', '<%= config.bin %> events list --type email.received --limit 5 --json', '<%= config.bin %> events list --all --json']
  static flags = {
    type: Flags.string({description: 'Only events of this type (see: junkmail catalog).'}),
    ...pageFlags(20),
  }

  async run(): Promise<Listed<PresentedEvent>> {
    const {flags} = await this.parse(EventsList)
    const client = await this.client(flags)
    const listed = await readList<PresentedEvent>(client, `${EMULATOR_PREFIX}/events`, {type: flags.type}, flags)
    if (listed.data.length === 0) this.say(flags.type ? `No ${flags.type} events yet.` : 'No events yet. Fire one with: junkmail trigger email.received')
    else this.say(formatTable(['ID', 'TYPE', 'CREATED', 'SOURCE'], listed.data.map((e) => [e.id, e.type, e.createdAt, e.source])))
    const note = truncationNote(listed)
    if (note) this.say(note)
    return listed
  }
}
