import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'
import {formatTable} from '../../src/cli/format-table.js'
import type {PublicWebhook} from '../../src/emulator/emulator-events.js'

export default class WebhooksList extends ApiCommand {
  static summary = 'List webhooks, with whether each is enabled and its failure count.'
  static examples = ['<%= config.bin %> webhooks list', '<%= config.bin %> webhooks list --json | jq ".[].id"']

  async run(): Promise<PublicWebhook[]> {
    const {flags} = await this.parse(WebhooksList)
    const client = await this.client(flags)
    const {data} = await client.get<{data: PublicWebhook[]}>(`${EMULATOR_PREFIX}/webhooks`)
    if (data.length === 0) this.say('No webhooks. Create one with: junkmail webhooks create --url URL --events email.received')
    else
      this.say(
        formatTable(
          ['ID', 'URL', 'EVENTS', 'STATUS', 'FAILURES', 'CREATED'],
          data.map((w) => [w.id, w.url, w.events.join(','), w.enabled ? 'enabled' : 'disabled', w.failureCount, w.createdAt]),
        ),
      )
    return data
  }
}
