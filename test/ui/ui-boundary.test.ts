import {readdirSync, readFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

const UI = fileURLToPath(new URL('../../src/ui/', import.meta.url))
const files = readdirSync(UI).filter((f) => /\.tsx?$/.test(f))
const importsOf = (file: string) => [...readFileSync(UI + file, 'utf8').matchAll(/^import\s+(type\s+)?[^'"]*from\s+'([^']+)'/gm)].map((m) => ({type: m[1] !== undefined, from: m[2]}))

describe('the UI only knows the contract', () => {
  it('nothing in src/ui imports the emulator, store, HTTP server or dispatcher (only the presented shapes, as types)', () => {
    const allowedTypes = new Set(['../emulator/present.js', '../emulator/emulator-events.js'])
    for (const file of files) {
      for (const i of importsOf(file)) {
        if (!/^\.\.\/(emulator|store|http|dispatch)\//.test(i.from)) continue
        expect({file, ...i}).toEqual({file, type: true, from: expect.toSatisfy((f: string) => allowedTypes.has(f))})
      }
    }
  })

  it('run-viewer loads Ink and React only when it runs (the commands import it cheaply)', () => {
    const values = importsOf('run-viewer.ts').filter((i) => !i.type).map((i) => i.from)
    expect(values.every((f) => f.startsWith('./') || f.startsWith('node:'))).toBe(true)
    expect(values).not.toContain('./ViewerApp.js')
    expect(readFileSync(`${UI}alternate-screen.ts`, 'utf8')).not.toMatch(/from 'ink'|from 'react'/)
    expect(readFileSync(`${UI}output-capture.ts`, 'utf8')).not.toMatch(/from 'ink'|from 'react'/)
  })
})
