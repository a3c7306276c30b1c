import * as Flags from '@oclif/core/flags'
import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'

interface CreatedKey {
  key: string
  scopes: string[]
  createdAt: string
}

export default class KeysCreate extends ApiCommand {
  static summary = 'Mint an API key with chosen scopes, to test how your code handles 401 and 403.'
  static description = 'Scopes: webhooks:manage, addresses:manage, emails:read, emails:manage, or * (everything, the emulator\'s own routes included). The key is printed once.'
  static examples = ['<%= config.bin %> keys create --scope emails:read', '<%= config.bin %> keys create --scope webhooks:manage --scope emails:read --json', '<%= config.bin %> keys create --scope emails:read --key jm_test_readonly']
  static flags = {
    scope: Flags.string({description: 'A scope (repeatable, or comma-separated).', required: true, multiple: true, delimiter: ','}),
    key: Flags.string({description: 'The key itself (default: jm_test_ and 24 random hex digits).'}),
  }

  async run(): Promise<CreatedKey> {
    const {flags} = await this.parse(KeysCreate)
    const client = await this.client(flags)
    const {data} = await client.post<{data: CreatedKey}>(`${EMULATOR_PREFIX}/api-keys`, {scopes: flags.scope.map((s) => s.trim()).filter(Boolean), ...(flags.key === undefined ? {} : {key: flags.key})})
    this.say(`Created API key ${data.key} (scopes: ${data.scopes.join(', ')})`)
    return data
  }
}
