import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runCli} from './support/cli.js'
import {startTestEmulator} from './support/emulator.js'
import {startEndpoint} from './support/probe-endpoints.js'
import {tempDir} from './support/temp-dir.js'

// junkmail probe (issue 14): four endpoints, each gets the verdicts it deserves.

const SECRET = 'whsec_probe_test_secret'
const verdicts = (report: {checks: Array<{id: string; verdict: string}>}) => Object.fromEntries(report.checks.map((c) => [c.id, c.verdict]))
const probe = async (...args: string[]) => {
  const r = await runCli(['probe', ...args, '--json'])
  expect(r.stderr).toBe('')
  return {code: r.code, report: JSON.parse(r.stdout)}
}

describe('junkmail probe', () => {
  it('a correct endpoint passes every MUST and SHOULD: exit 0', async () => {
    const url = await startEndpoint('correct', SECRET)
    const started = Date.now()
    const {code, report} = await probe(url, '--secret', SECRET)
    expect(code).toBe(0)
    expect(report.ok).toBe(true)
    const v = verdicts(report)
    for (const type of ['email.received', 'email.deleted', 'address.created', 'address.expired', 'address.deleted']) expect(v[`valid:${type}`]).toBe('pass')
    for (const id of ['signature:wrong', 'signature:missing', 'signature:other-secret', 'signature:no-prefix', 'signature:tampered', 'signature:truncated']) expect(v[id], id).toBe('pass')
    expect(v).toMatchObject({duplicate: 'pass', 'unknown-event': 'pass', 'out-of-order': 'pass', 'raw-body': 'pass', 'deadline:must': 'pass', 'deadline:should': 'pass', 'timestamp:stale': 'info', 'large-payload': 'info', charset: 'info', get: 'info'})
    expect(report.summary).toMatchObject({must: {failed: 0}, should: {failed: 0}})
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('an endpoint that accepts anything fails the forged-signature MUSTs: exit 1, with advice', async () => {
    const url = await startEndpoint('accept-all', SECRET)
    const {code, report} = await probe(url, '--secret', SECRET)
    expect(code).toBe(1)
    const v = verdicts(report)
    for (const id of ['signature:wrong', 'signature:missing', 'signature:other-secret', 'signature:no-prefix', 'signature:tampered', 'signature:truncated']) expect(v[id], id).toBe('fail')
    expect(v['valid:email.received']).toBe('pass')
    const wrong = report.checks.find((c: {id: string}) => c.id === 'signature:wrong')
    expect(wrong).toMatchObject({level: 'MUST', expected: '4xx', got: expect.stringMatching(/^200 in /)})
    expect(wrong.advice).toContain('verify X-JunkMail-Signature')
    // In text: the table, the advice, the verdict.
    const text = await runCli(['probe', url, '--secret', SECRET])
    expect(text.code).toBe(1)
    expect(text.stdout).toMatch(/FAIL +MUST +a wrong signature +4xx +200 in /)
    expect(text.stdout).toContain('Result: FAILED, a MUST check failed.')
  })

  it("an endpoint verifying JSON.stringify(req.body), as the reference's example does, passes the MUSTs but fails raw-body", async () => {
    const url = await startEndpoint('stringify', SECRET)
    const {code, report} = await probe(url, '--secret', SECRET)
    expect(code).toBe(0)
    const v = verdicts(report)
    expect(v['raw-body']).toBe('fail')
    expect(v['signature:wrong']).toBe('pass')
    expect(report.checks.find((c: {id: string}) => c.id === 'raw-body').advice).toContain('not JSON.stringify(req.body)')
  })

  it('a slow endpoint: over a fifth of the deadline is a SHOULD; over the deadline a MUST (exit 1); --junit writes the card for CI', async () => {
    const url = await startEndpoint('slow', SECRET, {delayMs: 700})
    const only = ['--events', 'email.received', '--skip', 'signature,duplicate,unknown-event,out-of-order,raw-body,timestamp,large-payload,charset,get']
    const slowish = await probe(url, '--secret', SECRET, '--deadline', '3000', ...only)
    expect(slowish.code).toBe(0)
    expect(verdicts(slowish.report)).toMatchObject({'deadline:must': 'pass', 'deadline:should': 'fail'})
    const dir = await tempDir()
    const junit = join(dir, 'probe.xml')
    const late = await probe(url, '--secret', SECRET, '--deadline', '500', '--junit', junit, ...only)
    expect(late.code).toBe(1)
    expect(verdicts(late.report)).toMatchObject({'deadline:must': 'fail'})
    const xml = await readFile(junit, 'utf8')
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="junkmail probe" tests="\d+" failures="1"/)
    expect(xml).toContain('<failure message="expected &lt; 500 ms, got slowest valid answer')
  })

  it('--webhook: the emulator probes a registered webhook with its own secret; Sendook without --sign skips the signature checks', async () => {
    const emulator = await startTestEmulator({smtpPort: false})
    const url = await startEndpoint('correct', SECRET)
    const {body} = await emulator.api('POST', '/_emulator/v1/webhooks', {body: {url, events: ['email.received'], secret: SECRET}})
    const {code, report} = await probe('--webhook', body.data.id, '--api-url', emulator.url, '--api-key', emulator.apiKey)
    expect(code).toBe(0)
    expect(report.checks.filter((c: {id: string}) => c.id.startsWith('valid:')).map((c: {id: string}) => c.id)).toEqual(['valid:email.received'])
    expect(verdicts(report)['signature:wrong']).toBe('pass')

    const sendookUrl = await startEndpoint('accept-all', SECRET)
    const sendook = await probe(sendookUrl, '--provider', 'sendook')
    expect(sendook.code).toBe(0)
    expect(verdicts(sendook.report)).toMatchObject({signature: 'skipped', 'valid:message.received': 'pass'})
    const signed = await probe(sendookUrl, '--provider', 'sendook', '--sign', '--secret', 'sksec_x')
    expect(signed.code).toBe(1)
    expect(verdicts(signed.report)['signature:wrong']).toBe('fail')
  })
})
