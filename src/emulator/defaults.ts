/** Default API port: clear of Mailpit (1025/8025), MailDev (1025/1080), Inbucket (2500/9000) and Firebase (4000-9199). */
export const DEFAULT_API_PORT = 7380
/** Default bind address: loopback only. */
export const DEFAULT_HOST = '127.0.0.1'
/** Default API key, full scopes. Change it with `--api-key` or `JUNKMAIL_API_KEY`. */
export const DEFAULT_API_KEY = 'jm_test_local'

/**
 * Why `key` cannot be an API key, or null if it can: it must travel as `Authorization: Bearer
 * <key>`, so it is 1 to 256 visible ASCII characters, no spaces.
 */
export function apiKeyProblem(key: string): string | null {
  if (key.length === 0) return 'the API key is empty'
  if (key.length > 256) return `the API key is ${key.length} characters long; at most 256`
  if (!/^[\x21-\x7e]+$/.test(key)) return 'the API key must be visible ASCII characters without spaces (it is sent as "Authorization: Bearer <key>")'
  return null
}
/** Default data dir, relative to the working directory. */
export const DEFAULT_DATA_DIR = '.junkmail'
/** Default time scale: documented delays run 60 times faster (1 min → 1 s). */
export const DEFAULT_TIME_SCALE = 60
/** Default overall deadline of one delivery attempt, in ms. */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000
/** Default SMTP port: clear of Mailpit/MailDev (1025), Inbucket (2500), submission (587) and 2525. */
export const DEFAULT_SMTP_PORT = 7325
/** Default largest message accepted by the SMTP sink: 10 MiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 10 * 1024 * 1024
/** Default most recipients per message. */
export const DEFAULT_MAX_RECIPIENTS = 50
/** Default time a client has to send a request's line and headers, in ms. */
export const DEFAULT_API_HEADERS_TIMEOUT_MS = 10_000
/** Default time a client has to send a whole request, body included, in ms. */
export const DEFAULT_API_REQUEST_TIMEOUT_MS = 30_000
/** Default time an idle keep-alive connection to the API is kept open, in ms. */
export const DEFAULT_API_KEEP_ALIVE_TIMEOUT_MS = 5_000
/** Default most connections open to the API at once; more are closed at once. */
export const DEFAULT_API_MAX_CONNECTIONS = 256

/** Asked to listen beyond loopback with the well-known default key: anyone on the network could use it. */
export class PublicDefaultKeyError extends Error {
  /** The same, in the CLI's words (flags instead of options). */
  readonly cliMessage: string
  constructor(readonly host: string) {
    super(`host ${host} listens beyond this machine, and the default API key ${DEFAULT_API_KEY} is public: give an apiKey of your own`)
    this.cliMessage = `--host ${host} listens beyond this machine, and the default API key ${DEFAULT_API_KEY} is public: pass --api-key with a key of your own`
    this.name = 'PublicDefaultKeyError'
  }
}
/** Default interval of the stream route's heartbeat comment, in ms. */
export const DEFAULT_STREAM_HEARTBEAT_MS = 15_000
/** Default most streams open at once (each holds one of the API's connections). */
export const DEFAULT_STREAM_MAX_CLIENTS = 32
