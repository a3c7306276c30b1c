import {randomBytes} from 'node:crypto'
import type {FastifyInstance, FastifyRequest} from 'fastify'
import {type EmulatorContext, OperationError} from '../../emulator/emulator-context.js'
import {requireCatcher, requireMessage} from '../../emulator/mail-catcher.js'
import {resetEmulator} from '../../emulator/reset.js'
import {requireCatalogEvent, requireEvent, resendEvent, triggerEvent} from '../../emulator/event-operations.js'
import {type EmulatorFacts, emulatorStatus} from '../../emulator/emulator-status.js'
import {presentAttempt, presentDelivery, presentEvent} from '../../emulator/present.js'
import {createWebhook, deleteWebhook, enableWebhook, getWebhook, listWebhooks, requireWebhook} from '../../emulator/webhook-operations.js'
import type {Delivery} from '../../store/types.js'
import {parseDuration} from '../../clock/duration.js'
import {FULL_ACCESS, SCOPES} from '../auth.js'
import {defineResource} from '../define-resource.js'
import {apiKeySchema, createWebhookSchema, listQuerySchema, resendSchema, triggerSchema, waitSchema} from '../request-schemas.js'
import {listPage} from '../list-page.js'
import {type WaitCondition, waitCondition, waitFor} from '../../emulator/wait-for.js'

/** Prefix of the emulator's own routes: never part of the hosted API. */
export const EMULATOR_PREFIX = '/_emulator/v1'

const id = (request: FastifyRequest): string => (request.params as {id: string}).id

/** Trigger, events, deliveries, attempts, resend, enable, keys, catalog, health and status: all but health and catalog need a full-access key. */
export function emulatorRoutes(app: FastifyInstance, ctx: EmulatorContext, facts: EmulatorFacts): void {
  const p = EMULATOR_PREFIX
  const {store} = ctx
  const max = ctx.provider.retryDelaysMs.length + 1

  /** Waits (bounded) for attempt 1 of each delivery so a trigger can report how it went. */
  const withFirstAttempts = async (deliveries: Delivery[], wait: boolean | undefined) => {
    const attempts = wait
      ? await Promise.all(
          deliveries.map((d) => {
            const done = store.attemptsForDelivery(d.id)[0]
            if (done) return done
            return Promise.race([ctx.dispatcher.nextAttempt(d.id), sleep(ctx.attemptTimeoutMs + 2000, null)])
          }),
        )
      : deliveries.map(() => null)
    return deliveries.map((d, i) => ({
      ...presentDelivery(d, max),
      firstAttempt: attempts[i] ? presentAttempt(attempts[i]!, store.getEvent(d.eventId), max) : null,
    }))
  }

  defineResource(app, store, `${p}/health`, {GET: {scope: false, handler: async () => ({status: 'ok'})}})

  // The emulator's clock: where it stands, and `advance` (CI mode: walk a retry schedule or an
  // address lifetime at once). The answer comes once everything due on the way has run.
  defineResource(app, store, `${p}/clock`, {GET: {scope: FULL_ACCESS, handler: async () => ({data: ctx.clock.state()})}})
  defineResource(app, store, `${p}/clock/advance`, {
    POST: {
      scope: FULL_ACCESS,
      handler: async (request) => {
        const body = (request.body ?? {}) as {duration?: unknown}
        let ms: number
        try {
          if (typeof body.duration === 'number') ms = body.duration
          else if (typeof body.duration === 'string') ms = parseDuration(body.duration)
          else throw new RangeError('duration is required: a number of ms, or text such as "90s", "30m", "2h"')
          if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError('must be 0 or more')
        } catch (error) {
          throw new OperationError(400, 'validation_error', `duration: ${(error as Error).message}`, 'duration')
        }
        const started = Date.now()
        await ctx.clock.advance(ms)
        return {data: {...ctx.clock.state(), advancedMs: ms, tookMs: Date.now() - started}}
      },
    },
  })

  // Waits (long-polls, up to timeoutMs) for one condition: what `junkmail wait` asks.
  defineResource(app, store, `${p}/wait`, {
    POST: {
      scope: FULL_ACCESS,
      handler: async (request) => {
        const w = waitSchema.parse(request.body)
        // An unknown event type would never come: say so now, listing the known ones.
        if (w.event !== undefined) requireCatalogEvent(ctx, w.event, 'event')
        const result = await waitFor(ctx, waitCondition(ctx, w as WaitCondition), w.timeoutMs)
        return {data: {met: result.met, seen: result.seen}}
      },
    },
  })

  defineResource(app, store, `${p}/status`, {
    GET: {
      scope: FULL_ACCESS,
      handler: async () => ({data: emulatorStatus(ctx, facts)}),
    },
  })

  defineResource(app, store, `${p}/catalog`, {
    GET: {
      scope: false,
      handler: async () => ({
        data: ctx.provider.catalog.map((e) => ({
          type: e.type,
          description: e.description,
          fields: e.fields,
          sample: ctx.provider.envelope(e.type, e.sample(Date.now()), Date.now()),
        })),
      }),
    },
  })

  defineResource(app, store, `${p}/events`, {
    POST: {
      scope: FULL_ACCESS,
      handler: async (request, reply) => {
        const input = triggerSchema.parse(request.body)
        const {event, deliveries} = await triggerEvent(ctx, {type: input.event, set: input.set, webhookId: input.webhookId})
        if (input.wait === 'settled') {
          // Until every delivery has succeeded, or failed its last attempt (or was cancelled).
          const settled = await waitFor(
            ctx,
            () => {
              const pending = deliveries.filter((d) => store.getDelivery(d.id)?.status === 'pending').length
              return {met: pending === 0, seen: `${deliveries.length - pending} of ${deliveries.length} deliveries settled`}
            },
            input.timeoutMs ?? 30_000,
          )
          const final = deliveries.map((d) => {
            const attempts = store.attemptsForDelivery(d.id)
            const last = attempts.at(-1)
            return {...presentDelivery(store.getDelivery(d.id) ?? d, max), lastAttempt: last ? presentAttempt(last, event, max) : null}
          })
          return reply.status(201).send({data: {event: presentEvent(event), deliveries: final, settled: settled.met, seen: settled.seen}})
        }
        return reply.status(201).send({data: {event: presentEvent(event), deliveries: await withFirstAttempts(deliveries, input.wait === true)}})
      },
    },
    GET: {
      scope: FULL_ACCESS,
      handler: async (request) => {
        const q = listQuerySchema.parse(request.query)
        const before = q.before === undefined ? undefined : store.getEvent(q.before)
        if (q.before !== undefined && !before) throw new OperationError(404, 'not_found', `before: no event with id ${q.before} (pruned by the history cap, or never recorded)`, 'before')
        // An unknown type would match nothing, ever: a 400 listing the known ones.
        if (q.type !== undefined) requireCatalogEvent(ctx, q.type, 'type')
        const events = store.listEvents({type: q.type, limit: q.limit ?? 50, before})
        return listPage(
          events,
          store.countEvents({type: q.type}),
          (last) => store.listEvents({type: q.type, limit: 1, before: last}),
          (e) => ({...presentEvent(e), deliveries: store.deliveriesForEvent(e.id).map((d) => presentDelivery(d, max))}),
        )
      },
    },
  })

  defineResource(app, store, `${p}/events/:id`, {
    GET: {
      scope: FULL_ACCESS,
      handler: async (request) => {
        const event = requireEvent(ctx, id(request))
        const deliveries = store.deliveriesForEvent(event.id).map((d) => ({
          ...presentDelivery(d, max),
          attempts: store.attemptsForDelivery(d.id).map((a) => presentAttempt(a, event, max)),
        }))
        return {data: {...presentEvent(event), deliveries}}
      },
    },
  })

  defineResource(app, store, `${p}/events/:id/resend`, {
    POST: {
      scope: FULL_ACCESS,
      handler: async (request, reply) => {
        const input = resendSchema.parse(request.body ?? undefined) ?? {}
        const deliveries = await resendEvent(ctx, id(request), input.webhookId)
        return reply.status(201).send({data: {deliveries: await withFirstAttempts(deliveries, input.wait)}})
      },
    },
  })

  defineResource(app, store, `${p}/deliveries`, {
    GET: {
      scope: FULL_ACCESS,
      handler: async (request) => {
        const q = listQuerySchema.parse(request.query)
        const list = store.listDeliveries({webhookId: q.webhookId, eventId: q.eventId, status: q.status, limit: q.limit ?? 50})
        return {data: list.map((d) => presentDelivery(d, max))}
      },
    },
  })

  defineResource(app, store, `${p}/deliveries/:id`, {
    GET: {
      scope: FULL_ACCESS,
      handler: async (request) => {
        const delivery = store.getDelivery(id(request))
        if (!delivery) throw new OperationError(404, 'not_found', `no delivery with id ${id(request)}`, 'id')
        const event = store.getEvent(delivery.eventId)
        const attempts = store.attemptsForDelivery(delivery.id).map((a) => presentAttempt(a, event, max))
        return {data: {...presentDelivery(delivery, max), attempts}}
      },
    },
  })

  defineResource(app, store, `${p}/attempts`, {
    GET: {
      scope: FULL_ACCESS,
      handler: async (request) => {
        const q = listQuerySchema.parse(request.query)
        const before = q.before === undefined ? undefined : store.getAttempt(q.before)
        if (q.before !== undefined && !before) throw new OperationError(404, 'not_found', `before: no attempt with id ${q.before} (pruned by the history cap, or never recorded)`, 'before')
        const filter = {webhookId: q.webhookId, eventId: q.eventId, failed: q.failed === 'true'}
        const list = store.listAttempts({...filter, limit: q.limit ?? 50, before})
        return listPage(
          list,
          store.countAttempts(filter),
          (last) => store.listAttempts({...filter, limit: 1, before: last}),
          (a) => presentAttempt(a, store.getEvent(a.eventId), max),
        )
      },
    },
  })

  defineResource(app, store, `${p}/attempts/:id`, {
    GET: {
      scope: FULL_ACCESS,
      handler: async (request) => {
        const attempt = store.getAttempt(id(request))
        if (!attempt) throw new OperationError(404, 'not_found', `no attempt with id ${id(request)}`, 'id')
        return {data: presentAttempt(attempt, store.getEvent(attempt.eventId), max)}
      },
    },
  })

  // Webhooks whatever the provider (the CLI and the viewer use these): JunkMail's shapes and
  // validation, the provider's events and ids; the secret only in the answer to a create.
  const webhookSchema = createWebhookSchema(ctx.provider)
  defineResource(app, store, `${p}/webhooks`, {
    GET: {scope: FULL_ACCESS, handler: async () => ({data: listWebhooks(ctx)})},
    POST: {
      scope: FULL_ACCESS,
      handler: async (request, reply) => {
        const {id: webhookId, url, events, secret, createdAt} = await createWebhook(ctx, webhookSchema.parse(request.body))
        return reply.status(201).send({data: {id: webhookId, url, events, secret, createdAt}})
      },
    },
  })
  defineResource(app, store, `${p}/webhooks/:id`, {
    GET: {scope: FULL_ACCESS, handler: async (request) => ({data: getWebhook(ctx, id(request))})},
    DELETE: {
      scope: FULL_ACCESS,
      handler: async (request) => {
        await deleteWebhook(ctx, id(request))
        return {message: 'Webhook deleted successfully'}
      },
    },
  })

  // Probes a registered webhook's endpoint with its own secret (which never leaves the emulator).
  defineResource(app, store, `${p}/webhooks/:id/probe`, {
    POST: {
      scope: FULL_ACCESS,
      handler: async (request) => {
        const webhook = requireWebhook(ctx, id(request))
        const body = (request.body ?? {}) as {events?: unknown; skip?: unknown}
        const list = (value: unknown, field: string) => {
          if (value === undefined) return undefined
          if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new OperationError(400, 'validation_error', `${field}: must be a list of strings`, field)
          return value as string[]
        }
        const events = list(body.events, 'events') ?? webhook.events
        for (const type of events) requireCatalogEvent(ctx, type, 'events')
        const {runProbe} = await import('../../probe/run-probe.js')
        const report = await runProbe({url: webhook.url, secret: webhook.secret, provider: ctx.provider, events, skip: list(body.skip, 'skip'), sign: ctx.dispatcher.signs, deadlineMs: ctx.attemptTimeoutMs})
        return {data: report}
      },
    },
  })

  defineResource(app, store, `${p}/webhooks/:id/enable`, {
    POST: {scope: FULL_ACCESS, handler: async (request) => ({data: await enableWebhook(ctx, id(request))})},
  })

  // The mail catcher (the viewer's `m`): the provider's mailboxes and mail, received and sent, in one shape.
  defineResource(app, store, `${p}/mailboxes`, {GET: {scope: FULL_ACCESS, handler: async () => ({data: requireCatcher(ctx).mailboxes(ctx)})}})
  defineResource(app, store, `${p}/mail`, {
    GET: {
      scope: FULL_ACCESS,
      handler: async (request) => {
        const mailbox = (request.query as Record<string, unknown>).mailbox
        return {data: requireCatcher(ctx).messages(ctx, typeof mailbox === 'string' && mailbox !== '' ? mailbox : undefined)}
      },
    },
  })
  defineResource(app, store, `${p}/mail/:id`, {
    GET: {
      scope: FULL_ACCESS,
      handler: async (request) => ({data: await requireMessage(ctx, id(request))}),
    },
  })

  // Wipes the state, keeping the servers, the keys and the clock (a test's fresh start).
  defineResource(app, store, `${p}/reset`, {
    POST: {scope: FULL_ACCESS, handler: async () => ({data: await resetEmulator(ctx)})},
  })

  defineResource(app, store, `${p}/api-keys`, {
    POST: {
      scope: FULL_ACCESS,
      handler: async (request, reply) => {
        const input = apiKeySchema.parse(request.body)
        const unknown = input.scopes.find((s) => s !== '*' && !(SCOPES as readonly string[]).includes(s))
        if (unknown) throw new OperationError(400, 'validation_error', `scopes: unknown scope "${unknown}"; known scopes: ${SCOPES.join(', ')}`, 'scopes')
        // Never replaced: narrowing the emulator's own key would leave no full-access key until a restart.
        if (input.key !== undefined && store.getApiKey(input.key)) throw new OperationError(409, 'key_exists', 'key: this API key already exists; keys are never replaced', 'key')
        const key = store.addApiKey({key: input.key ?? `jm_test_${randomBytes(12).toString('hex')}`, scopes: input.scopes, createdAt: new Date().toISOString()})
        await store.commit()
        return reply.status(201).send({data: key})
      },
    },
  })
}

const sleep = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(resolve, ms, value).unref())

