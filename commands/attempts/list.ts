import * as Flags from '@oclif/core/flags'
import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'
import {formatTable} from '../../src/cli/format-table.js'
import {type Listed, pageFlags, readList, truncationNote} from '../../src/cli/paged-list.js'
import type {PresentedAttempt} from '../../src/emulator/present.js'

export default class AttemptsList extends ApiCommand {
  static summary = 'List delivery attempts, newest first.'
  static description = 'Shows the newest --limit; says when there are more. With --json: {"data": [...], "total": N, "next": <id, or null>}.'
  static examples = [
    '<%= config.bin %> attempts list',
    '<%= config.bin %> attempts list --failed --webhook f47ac10b-58cc-4372-a567-0e02b2c3d479',
    '<%= config.bin %> attempts list --event 3b1f0c9e-2f4e-4c11-9d0e-5b7a8f7c2a10 --json',
  ]
  static flags = {
    webhook: Flags.string({description: 'Only attempts to this webhook.'}),
    event: Flags.string({description: 'Only attempts of this event.'}),
    failed: Flags.boolean({description: 'Only failed attempts.', default: false}),
    ...pageFlags(20),
  }

  async run(): Promise<Listed<PresentedAttempt>> {
    const {flags} = await this.parse(AttemptsList)
    const client = await this.client(flags)
    const listed = await readList<PresentedAttempt>(client, `${EMULATOR_PREFIX}/attempts`, {webhookId: flags.webhook, eventId: flags.event, failed: flags.failed}, flags)
    const data = listed.data
    if (data.length === 0) this.say('No attempts match.')
    else
      this.say(
        formatTable(
          ['ID', 'EVENT', 'WEBHOOK', 'N', 'OUTCOME', 'RESULT', 'MS', 'SENT', 'NEXT ATTEMPT'],
          data.map((a) => [
            a.id,
            a.eventType,
            a.webhookId,
            `${a.number}/${a.maxAttempts}`,
            a.outcome,
            a.response ? a.response.status : a.errorClass,
            a.durationMs,
            a.sentAt,
            a.nextAttemptAt,
          ]),
        ),
      )
    const note = truncationNote(listed)
    if (note) this.say(note)
    return listed
  }
}
