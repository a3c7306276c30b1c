import * as Flags from '@oclif/core/flags'
import {JunkMailResourceCommand} from '../../src/cli/provider-command.js'
import type {PresentedAddress} from '../../src/cli/mail-types.js'

export default class AddressesCreate extends JunkMailResourceCommand {
  static summary = 'Create a disposable address (fires address.created).'
  static description = 'Without --local-part a readable random one is picked. The lifetime runs on the emulator clock: divided by the time scale.'
  static examples = [
    '<%= config.bin %> addresses create',
    '<%= config.bin %> addresses create --local-part signup-test --lifetime 600',
    '<%= config.bin %> addresses create --json | jq -r .email',
  ]
  static flags = {
    'local-part': Flags.string({description: 'The part before @ (lower-case letters, digits, . _ + -).'}),
    lifetime: Flags.integer({description: 'Lifetime in seconds, before the time scale (default: the emulator\'s, 3600).', min: 60}),
  }

  async run(): Promise<PresentedAddress> {
    const {flags} = await this.parse(AddressesCreate)
    const client = await this.client(flags)
    const body = {...(flags['local-part'] ? {localPart: flags['local-part']} : {}), ...(flags.lifetime ? {lifetime: flags.lifetime} : {})}
    const {data} = await client.post<{data: PresentedAddress}>('/api/v1/addresses', body)
    this.say(`Created ${data.email} (${data.id}), expires ${data.expiresAt}`)
    return data
  }
}
