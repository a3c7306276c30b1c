import * as Args from '@oclif/core/args'
import {formatTable} from '../src/cli/format-table.js'
import {JunkmailCommand} from '../src/cli/junkmail-command.js'
import {providerFlag} from '../src/cli/provider-flag.js'
import {loadProvider} from '../src/providers/registry.js'

interface CatalogEntry {type: string; description: string; fields: Record<string, string>; sample: unknown}

export default class Catalog extends JunkmailCommand {
  static summary = 'List the events the emulator can send, with a sample payload.'
  static description = 'Works without a running emulator. Each sample is the exact body sent on the wire (JunkMail: {"event","timestamp","data"}).'
  static examples = ['<%= config.bin %> catalog', '<%= config.bin %> catalog email.received', '<%= config.bin %> catalog --json']
  static args = {event: Args.string({description: 'Show only this event, with its fields and a sample payload.'})}
  static flags = {provider: providerFlag('Whose catalog.')}

  async run(): Promise<CatalogEntry | CatalogEntry[]> {
    const {args, flags} = await this.parse(Catalog)
    const provider = await loadProvider(flags.provider)
    const now = Date.now()
    const entries = provider.catalog.map((e) => ({type: e.type, description: e.description, fields: {...e.fields}, sample: provider.envelope(e.type, e.sample(now), now)}))
    if (args.event === undefined) {
      this.say(formatTable(['EVENT', 'DESCRIPTION', 'FIELDS'], entries.map((e) => [e.type, e.description, Object.keys(e.fields).join(', ')])))
      this.say('\nSample payload of one event: junkmail catalog <event>')
      return entries
    }
    const entry = entries.find((e) => e.type === args.event)
    if (!entry) throw new Error(`unknown event "${args.event}"; known events: ${entries.map((e) => e.type).join(', ')}`)
    this.say(`${entry.type}: ${entry.description}\n`)
    this.say(formatTable(['FIELD', 'TYPE'], Object.entries(entry.fields).map(([k, v]) => [`${provider.payloadKey}.${k}`, v])))
    this.say('\nSample payload (sent compact, shown indented):')
    this.say(JSON.stringify(entry.sample, null, 2))
    return entry
  }
}
