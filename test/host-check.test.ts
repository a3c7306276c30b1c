import {request} from 'node:http'
import {describe, expect, it} from 'vitest'
import {startEmulator} from '../src/emulator/start-emulator.js'
import {canonicalHost, hostCheck, parseAllowedHosts} from '../src/http/host-check.js'
import {startTestEmulator} from './support/emulator.js'
import {rawExchange} from './support/raw-http.js'

// DNS rebinding: a web page whose name is made to resolve to 127.0.0.1 sends its own name as Host
// (and as Origin). junkmail answers only requests addressed to loopback, to the address it listens
// on, or to a name it was given; it never adds CORS headers.

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: any
}

/** One request over a fresh connection to 127.0.0.1:port, with any Host and Origin (fetch forbids both). */
function call(port: number, method: string, path: string, headers: Record<string, string>, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({host: '127.0.0.1', port, method, path, headers: {connection: 'close', ...headers}, agent: false}, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (text += c))
      res.on('end', () => resolve({status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : null}))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const KEY = {authorization: 'Bearer jm_test_local'}
const JSON_TYPE = {'content-type': 'application/json'}
const HOOK = JSON.stringify({url: 'https://example.com/hook', events: ['email.received']})

function expectRefused(answer: Answer, status: number, code: string, field: 'Host' | 'Origin') {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status)
  expect(answer.body).toEqual({error: {status, code, message: expect.any(String), field}})
}

describe('Host and Origin check (DNS rebinding)', () => {
  it('a Host that is not loopback gets 403 naming Host on every kind of route, before auth and before the body is read; nothing is done', async () => {
    const emulator = await startTestEmulator()
    const evil = {host: `evil.example:${emulator.port}`}
    const cases: Array<[string, string, Record<string, string>, string?]> = [
      ['GET', '/api/v1/emails', KEY],
      ['POST', '/api/v1/webhooks', {...KEY, ...JSON_TYPE}, HOOK],
      ['POST', '/api/v1/webhooks', {...KEY, ...JSON_TYPE}, '{not json'],
      ['POST', '/api/v1/webhooks', JSON_TYPE, HOOK], // no key: still 403, not 401
      ['POST', '/api/v1/addresses', {...KEY, ...JSON_TYPE}, '{}'],
      ['POST', '/_emulator/v1/events', {...KEY, ...JSON_TYPE}, JSON.stringify({event: 'address.created'})],
      ['POST', '/_emulator/v1/api-keys', {...KEY, ...JSON_TYPE}, JSON.stringify({scopes: ['*'], key: 'jm_test_rebound'})],
      ['GET', '/_emulator/v1/health', {}],
      ['GET', '/_emulator/v1/catalog', {}],
      ['GET', '/no/such/route', KEY],
      ['DELETE', '/api/v1/webhooks', KEY], // 405 otherwise
      ['OPTIONS', '/api/v1/webhooks', {origin: 'http://evil.example', 'access-control-request-method': 'POST'}],
      ['GET', `/api/v1/webhooks/${'a'.repeat(101)}`, KEY], // 414 otherwise
      ['GET', '/api/v1/webhooks/%zz', KEY], // 400 bad_url otherwise
    ]
    for (const [method, path, headers, body] of cases) {
      expectRefused(await call(emulator.port, method, path, {...evil, ...headers}, body), 403, 'host_not_allowed', 'Host')
    }
    expect((await emulator.api('GET', '/api/v1/webhooks')).body.data).toEqual([])
    expect((await emulator.api('GET', '/api/v1/addresses')).body.data).toEqual([])
    expect((await emulator.api('GET', '/_emulator/v1/events')).body.data).toEqual([])
    expect((await emulator.api('GET', '/api/v1/emails', {key: 'jm_test_rebound'})).status).toBe(401)
  })

  it('loopback names and addresses with any port are answered; look-alikes are not', async () => {
    const emulator = await startTestEmulator({smtpPort: false})
    const port = emulator.port
    for (const host of [`127.0.0.1:${port}`, '127.0.0.1', `localhost:${port}`, 'LocalHost', '127.1.2.3:80', `[::1]:${port}`, '[0:0:0:0:0:0:0:1]', 'localhost.', 'app.localhost']) {
      const answer = await call(port, 'GET', '/api/v1/webhooks', {host, ...KEY})
      expect(answer.status, `${host}: ${JSON.stringify(answer.body)}`).toBe(200)
    }
    for (const host of ['localhost.evil.example', '127.0.0.1.nip.io', 'evil.example', `evil.example:${port}`, '[::2]', '0.0.0.0', 'host.docker.internal', '128.0.0.1', '[::ffff:10.0.0.1]']) {
      expectRefused(await call(port, 'GET', '/api/v1/webhooks', {host, ...KEY}), 403, 'host_not_allowed', 'Host')
    }
    // No Host (HTTP/1.0), or one that is not a host: 400 naming Host.
    const noHost = await rawExchange(port, 'GET /api/v1/webhooks HTTP/1.0\r\nAuthorization: Bearer jm_test_local\r\n\r\n')
    expect(noHost.json, noHost.text).toEqual({error: {status: 400, code: 'invalid_host', message: expect.any(String), field: 'Host'}})
    const noHost11 = await rawExchange(port, 'GET /api/v1/webhooks HTTP/1.1\r\nConnection: close\r\n\r\n')
    expect(noHost11.json?.error, noHost11.text).toMatchObject({status: 400, code: 'invalid_host', field: 'Host'})
    for (const host of ['evil@localhost', 'localhost/x', 'localhost:port', 'a b']) {
      expectRefused(await call(port, 'GET', '/api/v1/webhooks', {host, ...KEY}), 400, 'invalid_host', 'Host')
    }
    // A request line in absolute form names the host that counts.
    const absolute = await rawExchange(port, `GET http://evil.example/api/v1/webhooks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer jm_test_local\r\nConnection: close\r\n\r\n`)
    expect(absolute.json?.error, absolute.text).toMatchObject({status: 403, code: 'host_not_allowed', field: 'Host'})
  })

  it('an Origin that is not http(s) on an allowed host gets 403 naming Origin, and nothing is done', async () => {
    const emulator = await startTestEmulator({smtpPort: false})
    const port = emulator.port
    const host = `127.0.0.1:${port}`
    for (const origin of ['http://evil.example', 'https://evil.example:443', 'null', 'file://', 'http://localhost.evil.example', 'chrome-extension://abc', 'http://localhost:3000/path']) {
      const answer = await call(port, 'POST', '/api/v1/webhooks', {host, origin, ...KEY, ...JSON_TYPE}, HOOK)
      expectRefused(answer, 403, 'origin_not_allowed', 'Origin')
    }
    expect((await emulator.api('GET', '/api/v1/webhooks')).body.data).toEqual([])
    for (const origin of ['http://localhost:3000', `http://127.0.0.1:${port}`, 'https://127.0.0.1', 'http://[::1]:8080']) {
      expect((await call(port, 'GET', '/api/v1/webhooks', {host, origin, ...KEY})).status, origin).toBe(200)
    }
  })

  it('no answer carries a CORS header, whatever the Origin, preflights (OPTIONS) included', async () => {
    const emulator = await startTestEmulator({smtpPort: false})
    const port = emulator.port
    const preflight = {'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type'}
    const answers = [
      await call(port, 'OPTIONS', '/api/v1/webhooks', {host: '127.0.0.1', origin: 'http://localhost:3000', ...preflight}),
      await call(port, 'OPTIONS', '/api/v1/webhooks', {host: '127.0.0.1', origin: 'http://evil.example', ...preflight}),
      await call(port, 'OPTIONS', '/_emulator/v1/events', {host: 'evil.example', origin: 'http://evil.example', ...preflight}),
      await call(port, 'GET', '/api/v1/webhooks', {host: '127.0.0.1', origin: 'http://localhost:3000', ...KEY}),
      await call(port, 'GET', '/api/v1/webhooks', {host: '127.0.0.1', origin: 'http://evil.example', ...KEY}),
      await call(port, 'GET', '/_emulator/v1/health', {host: '127.0.0.1', origin: 'http://localhost:3000'}),
    ]
    expect(answers.map((a) => a.status)).toEqual([405, 403, 403, 200, 403, 200])
    for (const answer of answers) {
      expect(Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'))).toEqual([])
    }
  })

  it('names given in allowedHosts (containers) are answered as Host and as Origin; others still are not', async () => {
    const emulator = await startTestEmulator({smtpPort: false, allowedHosts: ['host.docker.internal', 'JunkMail', '10.0.0.5']})
    expect(emulator.allowedHosts).toEqual(['host.docker.internal', 'junkmail', '10.0.0.5'])
    const port = emulator.port
    for (const host of ['host.docker.internal:7380', 'junkmail', '10.0.0.5:80', '127.0.0.1']) {
      expect((await call(port, 'GET', '/api/v1/webhooks', {host, ...KEY})).status, host).toBe(200)
    }
    expect((await call(port, 'GET', '/api/v1/webhooks', {host: 'junkmail', origin: 'http://junkmail:8080', ...KEY})).status).toBe(200)
    expectRefused(await call(port, 'GET', '/api/v1/webhooks', {host: 'junkmail.evil.example', ...KEY}), 403, 'host_not_allowed', 'Host')
    expectRefused(await call(port, 'GET', '/api/v1/webhooks', {host: 'junkmail', origin: 'http://evil.example', ...KEY}), 403, 'origin_not_allowed', 'Origin')
  })

  it('allowedHosts entries that are not a host name or address are refused at start', async () => {
    for (const bad of ['junkmail:8080', 'http://junkmail', '*.example', 'junk mail', 'junkmail/']) {
      await expect(startEmulator({port: 0, smtpPort: false, dataDir: null, allowedHosts: [bad]})).rejects.toThrow(/allowedHosts: .* is not a host name or IP address/)
    }
  })
})

describe('hostCheck and parseAllowedHosts', () => {
  it('the address the emulator listens on is allowed as Host, whatever it is', () => {
    const headers = (host: string) => ({host})
    expect(hostCheck('0.0.0.0', [])(headers('0.0.0.0:7380'), '/')).toBeNull()
    expect(hostCheck('192.168.1.5', [])(headers('192.168.1.5:7380'), '/')).toBeNull()
    expect(hostCheck('::', [])(headers('[::]:7380'), '/')).toBeNull()
    expect(hostCheck('dev.box.lan', [])(headers('DEV.box.lan'), '/')).toBeNull()
    expect(hostCheck('0.0.0.0', [])(headers('192.168.1.5:7380'), '/')?.error).toMatchObject({status: 403, field: 'Host'})
  })
  it('parseAllowedHosts: comma-separated, trimmed, canonical; empty items skipped; a bad item named', () => {
    expect(parseAllowedHosts(' host.docker.internal, junkmail ,,')).toEqual(['host.docker.internal', 'junkmail'])
    expect(parseAllowedHosts('::1,[FD00::1],10.0.0.5')).toEqual(['[::1]', '[fd00::1]', '10.0.0.5'])
    expect(parseAllowedHosts('')).toEqual([])
    expect(() => parseAllowedHosts('junkmail,junkmail:8080')).toThrow('"junkmail:8080" is not a host name or IP address')
    expect(canonicalHost('a_b.example')).toBe('a_b.example')
    expect(canonicalHost('999.1.1.1')).toBeNull()
  })
})
