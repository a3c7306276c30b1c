import type {FastifyInstance, FastifyRequest} from 'fastify'
import {createAddress, deleteAddress, expireAddress, presentAddress, requireAddress} from '../../emulator/address-operations.js'
import {type EmulatorContext, OperationError} from '../../emulator/emulator-context.js'
import {deleteEmail, emailAttachment, emailDetail, emailRaw, presentEmail, requireEmail} from '../../emulator/mail-operations.js'
import {FULL_ACCESS} from '../../http/auth.js'
import {EMULATOR_PREFIX} from '../../http/routes/emulator-routes.js'
import {defineResource} from '../../http/define-resource.js'
import {listPage} from '../../http/list-page.js'
import {createAddressSchema, listQuerySchema} from '../../http/request-schemas.js'

const ADDRESSES = 'addresses:manage'
const READ = 'emails:read'
const MANAGE = 'emails:manage'

const param = (request: FastifyRequest, name: string): string => (request.params as Record<string, string>)[name]

/** Addresses and received mail: `/api/v1/addresses`, `/api/v1/emails`. */
export function mailRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  const {store} = ctx
  defineResource(app, store, '/api/v1/addresses', {
    POST: {
      scope: ADDRESSES,
      handler: async (request, reply) => {
        const input = createAddressSchema.parse(request.body ?? undefined) ?? {}
        const address = await createAddress(ctx, {localPart: input.localPart, lifetimeSeconds: input.lifetime, source: 'api'})
        return reply.status(201).send({data: presentAddress(address)})
      },
    },
    GET: {
      scope: ADDRESSES,
      handler: async (request) => {
        const q = listQuerySchema.parse(request.query)
        const before = q.before === undefined ? undefined : requireAddress(ctx, q.before, 'before')
        const list = store.listAddresses({limit: q.limit, before})
        return listPage(list, store.countAddresses(), (last) => store.listAddresses({limit: 1, before: last}), presentAddress)
      },
    },
  })
  defineResource(app, store, '/api/v1/addresses/:id', {
    GET: {scope: ADDRESSES, handler: async (request) => ({data: presentAddress(requireAddress(ctx, param(request, 'id')))})},
    DELETE: {
      scope: ADDRESSES,
      handler: async (request) => {
        await deleteAddress(ctx, param(request, 'id'))
        return {message: 'Address deleted successfully'}
      },
    },
  })
  defineResource(app, store, '/api/v1/addresses/:id/emails', {
    GET: {
      scope: READ,
      handler: async (request) => {
        const address = requireAddress(ctx, param(request, 'id'))
        return emailPage(ctx, listQuerySchema.parse(request.query), address.id)
      },
    },
  })
  defineResource(app, store, '/api/v1/emails', {
    GET: {
      scope: READ,
      handler: async (request) => {
        const q = listQuerySchema.parse(request.query)
        const addressId = (request.query as Record<string, string>).addressId
        if (addressId !== undefined) requireAddress(ctx, addressId)
        return emailPage(ctx, q, addressId)
      },
    },
  })
  defineResource(app, store, '/api/v1/emails/:id', {
    GET: {scope: READ, handler: async (request) => ({data: await emailDetail(ctx, param(request, 'id'))})},
    DELETE: {
      scope: MANAGE,
      handler: async (request) => {
        await deleteEmail(ctx, param(request, 'id'))
        return {message: 'Email deleted successfully'}
      },
    },
  })
  defineResource(app, store, '/api/v1/emails/:id/raw', {
    GET: {
      scope: READ,
      handler: async (request, reply) => {
        const raw = await emailRaw(ctx, param(request, 'id'))
        return reply.type('message/rfc822').send(raw)
      },
    },
  })
  defineResource(app, store, '/api/v1/emails/:id/attachments/:n', {
    GET: {
      scope: READ,
      handler: async (request, reply) => {
        const text = param(request, 'n')
        const n = Number(text)
        if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) throw new OperationError(400, 'validation_error', 'n must be the 0-based index of an attachment', 'n')
        const attachment = await emailAttachment(ctx, param(request, 'id'), n)
        if (attachment.filename) reply.header('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(attachment.filename)}`)
        return reply.type(attachment.contentType || 'application/octet-stream').send(attachment.content)
      },
    },
  })
  defineResource(app, store, `${EMULATOR_PREFIX}/addresses/:id/expire`, {
    POST: {scope: FULL_ACCESS, handler: async (request) => ({data: presentAddress(await expireAddress(ctx, param(request, 'id'), 'api'))})},
  })
}

/** A page of emails (of one address, or all), as the emulator's other lists answer. */
function emailPage(ctx: EmulatorContext, q: {limit?: number; before?: string}, addressId: string | undefined) {
  const before = q.before === undefined ? undefined : requireEmail(ctx, q.before, 'before')
  const list = ctx.store.listEmails({addressId, limit: q.limit, before})
  return listPage(list, ctx.store.countEmails({addressId}), (last) => ctx.store.listEmails({addressId, limit: 1, before: last}), presentEmail)
}
