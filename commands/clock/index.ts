import {ApiCommand, EMULATOR_PREFIX} from '../../src/cli/api-command.js'
import {formatDuration} from '../../src/clock/duration.js'

import type {ClockState} from '../../src/clock/emulator-clock.js'

export default class Clock extends ApiCommand {
  static summary = 'Show the emulator\'s time against the real time.'
  static description = 'Emulator time is what schedules (retries, address expiries, Sendook outcomes) and payload times follow: the real time plus what junkmail clock advance added, or under dev --clock manual only what it added.'
  static examples = ['<%= config.bin %> clock', '<%= config.bin %> clock --json']

  async run(): Promise<ClockState> {
    const {flags} = await this.parse(Clock)
    const client = await this.client(flags)
    const {data} = await client.get<{data: ClockState}>(`${EMULATOR_PREFIX}/clock`)
    this.say(`emulator  ${data.now}  (${data.mode === 'manual' ? 'manual: moves only with junkmail clock advance' : `runs; retry delays divided by ${data.timeScale}`})`)
    this.say(`real      ${data.wallNow}`)
    this.say(`ahead by  ${data.offsetMs === 0 ? 'nothing' : formatDuration(data.offsetMs)}`)
    return data
  }
}
