// Setup file of scripts/coverage/vitest.config.ts. Vitest ends its workers with SIGTERM, and a
// process ended by a signal never writes its NODE_V8_COVERAGE file: write it after each test file.
import {takeCoverage} from 'node:v8'
import {afterAll} from 'vitest'

afterAll(() => takeCoverage())
