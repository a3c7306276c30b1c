import type {FastifyInstance} from 'fastify'
import type {EmulatorContext} from '../../emulator/emulator-context.js'
import {createWebhook, deleteWebhook, getWebhook, listWebhooks} from '../../emulator/webhook-operations.js'
import {defineResource} from '../../http/define-resource.js'
import {createWebhookSchema} from '../../http/request-schemas.js'

const SCOPE = 'webhooks:manage'

/** The JunkMail webhooks API, as the contract documents it. */
export function webhookRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const schema = createWebhookSchema(ctx.provider)
  defineResource(app, ctx.store, '/api/v1/webhooks', {
    POST: {
      scope: SCOPE,
      handler: async (request, reply) => {
        const input = schema.parse(request.body)
        const webhook = await createWebhook(ctx, input)
        const {id, url, events, secret, createdAt} = webhook
        return reply.status(201).send({data: {id, url, events, secret, createdAt}})
      },
    },
    GET: {scope: SCOPE, handler: async () => ({data: listWebhooks(ctx)})},
  })
  defineResource(app, ctx.store, '/api/v1/webhooks/:id', {
    GET: {scope: SCOPE, handler: async (request) => ({data: getWebhook(ctx, (request.params as {id: string}).id)})},
    DELETE: {
      scope: SCOPE,
      handler: async (request) => {
        await deleteWebhook(ctx, (request.params as {id: string}).id)
        return {message: 'Webhook deleted successfully'}
      },
    },
  })
}
