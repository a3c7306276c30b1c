import Fastify, {type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest} from 'fastify'
import type {EmulatorContext} from '../emulator/emulator-context.js'
import type {EmulatorFacts} from '../emulator/emulator-status.js'
import {errorBody, handleError} from './api-error.js'
import {answerClientError, answerConnect, answerExpectationFailed} from './client-errors.js'
import {limitConnections} from './connection-limit.js'
import {hostCheck} from './host-check.js'
import {EMULATOR_PREFIX, emulatorRoutes} from './routes/emulator-routes.js'
import {type StreamLimits, streamRoute} from './routes/stream-route.js'

/** Largest request body accepted, in bytes; larger bodies get 413. */
export const BODY_LIMIT = 100 * 1024

/** Bounds on the API's connections, so slow or idle clients cannot hold it. */
export interface ApiLimits {
  /** Time to receive a request's line and headers, ms (then 408 and the connection is closed). */
  readonly headersTimeoutMs: number
  /** Time to receive a whole request, body included, ms (then 408 and the connection is closed). */
  readonly requestTimeoutMs: number
  /** How long an idle keep-alive connection is kept, ms (Node adds one second of grace). */
  readonly keepAliveTimeoutMs: number
  /** Connections open at once; past it a new one replaces the one waiting longest for its client (see `limitConnections`). */
  readonly maxConnections: number
}

/** Options of {@link createApiServer}: its bounds, and whom it answers. */
export interface ApiServerOptions extends ApiLimits {
  /** The address the API listens on: allowed as `Host` besides loopback. */
  readonly listenHost: string
  /** More names or addresses allowed as `Host` and in `Origin` (canonical form, see `parseAllowedHosts`). */
  readonly allowedHosts: readonly string[]
  /** Bounds of the feed's stream route. */
  readonly stream: StreamLimits
}

/** Builds the HTTP app: the provider's API (JunkMail's under `/api/v1`), the emulator's own routes under `/_emulator/v1`. */
export function createApiServer(ctx: EmulatorContext, facts: EmulatorFacts, options: ApiServerOptions): FastifyInstance {
  const checkHost = hostCheck(options.listenHost, options.allowedHosts)
  // The router's errors skip every hook: the Host check comes first here too.
  const answerFrameworkError = (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const refusal = checkHost(request.headers, request.raw.url ?? '')
    if (refusal) void reply.status(refusal.error.status).send(refusal)
    else handleError(error, request, reply)
  }
  const app = Fastify({
    bodyLimit: BODY_LIMIT,
    logger: false,
    return503OnClosing: true,
    forceCloseConnections: true,
    requestTimeout: options.requestTimeoutMs,
    keepAliveTimeout: options.keepAliveTimeoutMs,
    http: {
      // A request without Host reaches the Host check, which answers it in junkmail's shape.
      requireHostHeader: false,
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      // Node looks for expired requests every 30 s by default, which would stretch a 10 s bound to 40 s.
      connectionsCheckingInterval: Math.min(1000, Math.max(10, Math.floor(options.headersTimeoutMs / 10))),
    },
    routerOptions: {ignoreTrailingSlash: true},
    // The router's own errors (an id over 100 characters, bad percent-encoding) and the HTTP
    // parser's (malformed request, headers too large) answer in junkmail's shape too.
    frameworkErrors: (error, request, reply) => answerFrameworkError(error, request as FastifyRequest, reply as FastifyReply),
    clientErrorHandler: answerClientError,
  })
  // Before anything else (auth, body parsing, routing to a 404 or 405): DNS rebinding.
  app.addHook('onRequest', async (request, reply) => {
    const refusal = checkHost(request.headers, request.raw.url ?? '')
    if (refusal) return reply.status(refusal.error.status).send(refusal)
  })
  limitConnections(app.server, options.maxConnections)
  app.server.on('checkExpectation', answerExpectationFailed)
  app.server.on('connect', answerConnect)
  // Only JSON bodies: without fastify's default text/plain parser any other content type gets 415.
  app.removeContentTypeParser('text/plain')
  app.setErrorHandler(handleError)
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(errorBody(404, 'not_found', `no route ${request.method} ${request.url.split('?')[0]}`))
  })
  ctx.provider.routes(app, ctx)
  emulatorRoutes(app, ctx, facts)
  streamRoute(app, ctx, `${EMULATOR_PREFIX}/stream`, options.stream)
  return app
}
