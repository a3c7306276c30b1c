import * as Flags from '@oclif/core/flags'
import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'
import {UsageError} from '../../src/cli/junkmail-command.js'

interface CreatedWebhook {id: string; url: string; events: string[]; secret: string; createdAt: string}

export default class WebhooksCreate extends ApiCommand {
  static summary = 'Register a webhook endpoint.'
  static description = 'Registers it with the running emulator, whatever its provider, validated as JunkMail\'s API validates it. The secret is shown only once: keep it, your endpoint needs it to verify signatures (Sendook signs only under dev --sign).'
  static examples = [
    '<%= config.bin %> webhooks create --url http://localhost:3000/webhooks/junkmail --events email.received,address.expired',
    '<%= config.bin %> webhooks create --url http://localhost:3000/hook --events email.received --secret whsec_mysecret --json',
  ]
  static flags = {
    url: Flags.string({description: 'Your endpoint: an absolute http(s) URL.', required: true}),
    events: Flags.string({description: 'Events to receive, comma-separated (at most 10). See: junkmail catalog', required: true, multiple: true, delimiter: ','}),
    secret: Flags.string({description: 'Signing secret (default: whsec_ + 48 random hex digits).'}),
  }

  async run(): Promise<CreatedWebhook> {
    const {flags} = await this.parse(WebhooksCreate)
    const events = flags.events.map((e) => e.trim()).filter(Boolean)
    if (events.length === 0) throw new UsageError('--events needs at least one event name')
    const client = await this.client(flags)
    const {data} = await client.post<{data: CreatedWebhook}>(`${EMULATOR_PREFIX}/webhooks`, {url: flags.url, events, ...(flags.secret === undefined ? {} : {secret: flags.secret})})
    this.say(`Created webhook ${data.id}`)
    this.say(`  url     ${data.url}`)
    this.say(`  events  ${data.events.join(', ')}`)
    this.say(`  secret  ${data.secret}`)
    this.say('The secret is shown only this once: store it where your endpoint can read it.')
    return data
  }
}
