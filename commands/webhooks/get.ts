import * as Args from '@oclif/core/args'
import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'
import type {PublicWebhook} from '../../src/emulator/emulator-events.js'
import {oneLine} from '../../src/cli/terminal-text.js'

export default class WebhooksGet extends ApiCommand {
  static summary = 'Show one webhook (never its secret).'
  static examples = ['<%= config.bin %> webhooks get f47ac10b-58cc-4372-a567-0e02b2c3d479']
  static args = {id: Args.string({description: 'Webhook id.', required: true})}

  async run(): Promise<PublicWebhook> {
    const {args, flags} = await this.parse(WebhooksGet)
    const client = await this.client(flags)
    const {data} = await client.get<{data: PublicWebhook}>(`${EMULATOR_PREFIX}/webhooks/${encodeURIComponent(args.id)}`)
    this.say(`Webhook ${data.id}`)
    this.say(`  url       ${oneLine(data.url)}`)
    this.say(`  events    ${data.events.join(', ')}`)
    this.say(`  status    ${data.enabled ? 'enabled' : `disabled since ${data.disabledAt} (${oneLine(data.disabledReason ?? '')})`}`)
    this.say(`  failures  ${data.failureCount} consecutive failed attempts`)
    this.say(`  created   ${data.createdAt}`)
    return data
  }
}
