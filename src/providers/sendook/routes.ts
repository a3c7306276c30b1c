import type {FastifyError, FastifyInstance, FastifyReply, FastifyRequest} from 'fastify'
import {type EmulatorContext, OperationError} from '../../emulator/emulator-context.js'
import {emitBody} from '../../emulator/event-operations.js'
import {createWebhook, deleteWebhook} from '../../emulator/webhook-operations.js'
import {isHttpUrl} from '../../http/request-schemas.js'
import {StoreWriteError} from '../../store/store-errors.js'
import type {Webhook} from '../../store/types.js'
import {isObjectId} from './object-id.js'
import {fieldError, objectBody, SendookError, ValidationErrors, type FieldError} from './errors.js'
import {presentAttempt, presentWebhook} from './present.js'
import {resourceRoutes} from './resource-routes.js'

/** The test event the guide documents, byte for byte. */
export const TEST_BODY = '{"event":"message.received","payload":{"test":"test"}}'

/**
 * Sendook's API under `/v1`: Bearer auth (401 `Unauthorized` as its server answers), its resources
 * with `_id` and `id`, 200 on success, errors as `{"error"}` or `{"errors": [...]}`.
 */
export function sendookRoutes(app: FastifyInstance, ctx: EmulatorContext, extra: (scope: FastifyInstance) => void = () => {}): void {
  void app.register(
    async (scope) => {
      scope.addHook('onRequest', async (request, reply) => {
        const header = request.headers.authorization
        const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null
        if (match && ctx.store.getApiKey(match[1])) return
        const realm = match ? 'Bearer realm="Users", error="invalid_token"' : 'Bearer realm="Users"'
        return reply.status(401).header('WWW-Authenticate', realm).type('text/plain; charset=utf-8').send('Unauthorized')
      })
      scope.setErrorHandler(answerError)
      scope.setNotFoundHandler((request, reply) => {
        void reply.status(404).send({error: `Cannot ${request.method} ${request.url.split('?')[0]}`})
      })
      webhookRoutes(scope, ctx)
      resourceRoutes(scope, ctx)
      extra(scope)
    },
    {prefix: '/v1'},
  )
}

function webhookRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const known = ctx.provider.catalog.map((e) => e.type)
  app.get('/webhooks', async () => ctx.store.listWebhooks().map(presentWebhook))
  app.post('/webhooks', async (request) => {
    const body = objectBody(request)
    const errors: FieldError[] = []
    const url = typeof body.url === 'string' ? body.url.trim() : body.url
    if (typeof url !== 'string' || !isHttpUrl(url) || /[\u0000-\u001f\u007f]/.test(url)) {
      errors.push(fieldError('url', body.url, 'must be an absolute http(s) URL, e.g. https://your-app.com/webhooks/sendook'))
    }
    const events = body.events
    if (!Array.isArray(events)) errors.push(fieldError('events', events, `must be a list of event names: ${known.join(', ')}`))
    else {
      events.forEach((e, i) => {
        if (typeof e !== 'string' || !known.includes(e)) errors.push(fieldError(`events[${i}]`, e, `unknown event; known events: ${known.join(', ')}`))
      })
      if (new Set(events).size !== events.length) errors.push(fieldError('events', events, 'must not contain duplicates'))
    }
    if (errors.length > 0) throw new ValidationErrors(errors)
    const webhook = await createWebhook(ctx, {url: url as string, events: events as string[]})
    return presentWebhook(webhook)
  })
  app.get('/webhooks/:webhookId', async (request) => presentWebhook(webhookOf(ctx, request)))
  app.delete('/webhooks/:webhookId', async (request) => {
    const webhook = webhookOf(ctx, request)
    const before = presentWebhook(webhook)
    await deleteWebhook(ctx, webhook.id)
    return before
  })
  app.post('/webhooks/:webhookId/test', async (request) => {
    const webhook = webhookOf(ctx, request)
    await emitBody(ctx, {type: 'message.received', body: TEST_BODY, source: 'test', webhooks: [webhook]})
    return {success: true}
  })
  app.get('/webhooks/:webhookId/attempts', async (request) => {
    const id = (request.params as {webhookId: string}).webhookId
    return ctx.store.listAttempts({webhookId: id, limit: 10}).map((a) => presentAttempt(a, ctx.store.getEvent(a.eventId)))
  })
}

/** The webhook named in the path, or Sendook's 404. */
function webhookOf(ctx: EmulatorContext, request: FastifyRequest): Webhook {
  const id = (request.params as {webhookId: string}).webhookId
  const webhook = isObjectId(id) ? ctx.store.getWebhook(id) : undefined
  if (!webhook) throw new SendookError(404, 'Webhook not found')
  return webhook
}

/** Whatever a route throws, in Sendook's shapes. */
function answerError(error: FastifyError | Error, _request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof SendookError) void reply.status(error.status).send({error: error.message})
  else if (error instanceof ValidationErrors) void reply.status(400).send({errors: error.errors})
  else if (error instanceof OperationError) void reply.status(error.status).send({error: error.message})
  else if (error instanceof StoreWriteError) {
    void reply.status(503).header('retry-after', '2').send({error: `the store could not be written, so nothing was changed: ${error.message}`})
  } else {
    const status = (error as FastifyError).statusCode ?? 500
    const message = (error as FastifyError).code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'body is not valid JSON' : error.message
    void reply.status(status >= 400 && status < 600 ? status : 500).send({error: message})
  }
}
