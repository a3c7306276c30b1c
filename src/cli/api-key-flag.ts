import * as Flags from '@oclif/core/flags'
import {apiKeyProblem} from '../emulator/defaults.js'

/** `--api-key`: refused at parse time (exit 2) unless every request could send it as a Bearer token. */
export const apiKeyFlag = Flags.custom<string>({
  parse: async (input) => {
    const problem = apiKeyProblem(input)
    if (problem) throw new Error(problem)
    return input
  },
})
