import * as Flags from '@oclif/core/flags'
import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'
import {formatTable} from '../../src/cli/format-table.js'
import type {PresentedAttempt} from '../../src/emulator/present.js'

export default class AttemptsList extends ApiCommand {
  static summary = 'List delivery attempts, newest first.'
  static examples = [
    '<%= config.bin %> attempts list',
    '<%= config.bin %> attempts list --failed --webhook f47ac10b-58cc-4372-a567-0e02b2c3d479',
    '<%= config.bin %> attempts list --event 3b1f0c9e-2f4e-4c11-9d0e-5b7a8f7c2a10 --json',
  ]
  static flags = {
    webhook: Flags.string({description: 'Only attempts to this webhook.'}),
    event: Flags.string({description: 'Only attempts of this event.'}),
    failed: Flags.boolean({description: 'Only failed attempts.', default: false}),
    limit: Flags.integer({description: 'How many to show.', default: 20, min: 1}),
  }

  async run(): Promise<PresentedAttempt[]> {
    const {flags} = await this.parse(AttemptsList)
    const client = await this.client(flags)
    const {data} = await client.get<{data: PresentedAttempt[]}>(`${EMULATOR_PREFIX}/attempts`, {
      webhookId: flags.webhook,
      eventId: flags.event,
      failed: flags.failed,
      limit: flags.limit,
    })
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
    return data
  }
}
