import {availableParallelism} from 'node:os'
import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    // examples/: the project's own examples run too (a reader copies what is known to work).
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'examples/**/*.test.ts'],
    disableConsoleIntercept: true,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two test files at once even on 2 cores (vitest's default there is one): most of the suite waits
    // on child processes and sockets, and the timing tests hold (checked 5 full runs on a 2-vCPU VM).
    // The whole suite then takes about 1 m 40 s instead of 3 min, so .ci/run's three Node versions fit.
    maxWorkers: Math.min(4, Math.max(2, availableParallelism() - 1)),
  },
})
