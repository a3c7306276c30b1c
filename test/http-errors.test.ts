import {describe, expect, it} from 'vitest'
import {type ApiResponse, startTestEmulator} from './support/emulator.js'
import {type RawAnswer, rawExchange} from './support/raw-http.js'

// Errors raised by fastify or by Node's HTTP parser, before any route runs, come out in the one
// junkmail shape {"error":{status,code,message,field?}}, never fastify's {"error":"Bad Request",…}.

/** Asserts junkmail's error shape on a fetch answer. */
function expectJunkmailError(response: ApiResponse, status: number, code: string) {
  expect(response.status, response.text).toBe(status)
  expect(response.headers.get('content-type'), response.text).toMatch(/^application\/json/)
  expect(Object.keys(response.body ?? {}), response.text).toEqual(['error'])
  expect(response.body.error, response.text).toMatchObject({status, code, message: expect.any(String)})
}

/** Asserts junkmail's error shape on a raw answer, and that the server closed the connection. */
function expectRawError(answer: RawAnswer, status: number, code: string) {
  expect(answer.status, answer.text).toBe(status)
  expect(answer.headers['content-type'], answer.text).toMatch(/^application\/json/)
  expect(Object.keys(answer.json ?? {}), answer.text).toEqual(['error'])
  expect(answer.json.error, answer.text).toMatchObject({status, code, message: expect.any(String)})
  expect(answer.closedByServer).toBe(true)
}

const AUTH = 'Authorization: Bearer jm_test_local\r\n'
const HOST = 'Host: 127.0.0.1\r\nConnection: close\r\n'

describe('errors raised before a route runs', () => {
  it('an id longer than the router allows → 414 uri_too_long in junkmail shape (not FST_ERR_MAX_PARAM_LENGTH)', async () => {
    const emulator = await startTestEmulator({smtpPort: false})
    const long = 'a'.repeat(101)
    for (const path of [`/api/v1/webhooks/${long}`, `/api/v1/emails/${long}`, `/_emulator/v1/events/${long}`, `/api/v1/emails/x/attachments/${'9'.repeat(120)}`]) {
      const response = await emulator.api('GET', path)
      expectJunkmailError(response, 414, 'uri_too_long')
      expect(response.text).not.toContain('FST_ERR')
    }
    // At the limit, it is an ordinary unknown id.
    expectJunkmailError(await emulator.api('GET', `/api/v1/webhooks/${'a'.repeat(100)}`), 404, 'not_found')
  })

  it('a path that is not valid percent-encoding → 400 bad_url in junkmail shape (not FST_ERR_BAD_URL)', async () => {
    const emulator = await startTestEmulator({smtpPort: false})
    for (const path of ['/api/v1/webhooks/%zz', '/_emulator/v1/events/%E0%A4%A', '/nothing/here/%zz']) {
      const response = await emulator.api('GET', path)
      expectJunkmailError(response, 400, 'bad_url')
      expect(response.text).not.toContain('FST_ERR')
    }
  })

  it('malformed HTTP, oversized headers, an unknown Expect and CONNECT → junkmail errors on the raw connection, which is then closed', async () => {
    const emulator = await startTestEmulator({smtpPort: false})
    const port = emulator.port
    expectRawError(await rawExchange(port, `GET /api/v1/webhooks HTTP/1.1\r\n${HOST}${AUTH}X-Big: ${'a'.repeat(20_000)}\r\n\r\n`), 431, 'headers_too_large')
    expectRawError(await rawExchange(port, `GET /api/v1/webhooks?${'a'.repeat(20_000)} HTTP/1.1\r\n${HOST}${AUTH}\r\n`), 431, 'headers_too_large')
    expectRawError(await rawExchange(port, 'HELLO\r\n\r\n'), 400, 'bad_request')
    expectRawError(await rawExchange(port, `FOO /api/v1/webhooks HTTP/1.1\r\n${HOST}\r\n`), 400, 'bad_request')
    expectRawError(await rawExchange(port, 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), 400, 'bad_request')
    const chunked = `POST /api/v1/webhooks HTTP/1.1\r\n${HOST}${AUTH}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`
    expectRawError(await rawExchange(port, chunked), 400, 'bad_request')
    const twoLengths = `POST /api/v1/webhooks HTTP/1.1\r\n${HOST}${AUTH}Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}`
    expectRawError(await rawExchange(port, twoLengths), 400, 'bad_request')
    const expectation = await rawExchange(port, `GET /api/v1/webhooks HTTP/1.1\r\n${HOST}${AUTH}Expect: teapot\r\n\r\n`)
    expectRawError(expectation, 417, 'expectation_failed')
    expect(expectation.json.error.field).toBe('Expect')
    expectRawError(await rawExchange(port, `CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n`), 405, 'method_not_allowed')
    // The emulator is none the worse.
    expect((await emulator.api('GET', '/api/v1/webhooks')).status).toBe(200)
  })
})
