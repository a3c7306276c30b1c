import type {FastifyInstance, FastifyRequest} from 'fastify'
import type {EmulatorContext} from '../../emulator/emulator-context.js'
import {type FieldError, fieldError, objectBody, ValidationErrors} from './errors.js'
import {isObjectId} from './object-id.js'
import {
  createInbox,
  deleteInbox,
  listInboxes,
  listMessages,
  listThreads,
  replyInput,
  requireInbox,
  requireMessage,
  requireThread,
  type SendInput,
  sendMessage,
  threadMessages,
  updateInbox,
} from './operations.js'
import {presentInbox, presentMessage, presentThread} from './records.js'
import {SendookError} from './errors.js'

/** A plain address: something@domain.tld, no spaces or angle brackets (what the server's isEmail takes, roughly). */
const EMAIL = /^[^\s@<>()",;:\\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}$/
export const isEmail = (value: string): boolean => value.length <= 254 && EMAIL.test(value)

const param = (request: FastifyRequest, name: string): string => (request.params as Record<string, string>)[name]

/** The inbox named in the path (an id that is no ObjectId names none). */
function inboxOf(ctx: EmulatorContext, request: FastifyRequest) {
  const id = param(request, 'inboxId')
  if (!isObjectId(id)) throw new SendookError(404, 'Inbox not found')
  return requireInbox(ctx, id)
}

/** Sendook's inboxes, messages and threads under `/v1`, as its server (and SDK) has them. */
export function resourceRoutes(app: FastifyInstance, ctx: EmulatorContext): void {
  app.get('/inboxes', async () => listInboxes(ctx).map(presentInbox))

  app.post('/inboxes', async (request) => {
    const body = objectBody(request)
    const errors: FieldError[] = []
    const name = optionalText(body, 'name', errors)
    let email: string | undefined
    if (body.email !== undefined) {
      if (typeof body.email !== 'string' || !isEmail(body.email.trim())) errors.push(fieldError('email', body.email, 'must be an email address, e.g. support@sendook.local'))
      else email = body.email.trim()
    }
    if (errors.length > 0) throw new ValidationErrors(errors)
    return presentInbox((await createInbox(ctx, {...(name === undefined ? {} : {name}), ...(email === undefined ? {} : {email})})).record)
  })

  app.get('/inboxes/:inboxId', async (request) => presentInbox(inboxOf(ctx, request)))

  // The guide's inbox.updated fires here (Sendook's server has no update route yet): a new name.
  const update = async (request: FastifyRequest) => {
    const inbox = inboxOf(ctx, request)
    const body = objectBody(request)
    const errors: FieldError[] = []
    const name = optionalText(body, 'name', errors)
    if (body.email !== undefined) errors.push(fieldError('email', body.email, "an inbox's address cannot change; create another inbox"))
    if (name === undefined && errors.length === 0) errors.push(fieldError('name', undefined, 'is required: the new name of the inbox'))
    if (errors.length > 0) throw new ValidationErrors(errors)
    return presentInbox((await updateInbox(ctx, inbox, {name: name!})).record)
  }
  app.patch('/inboxes/:inboxId', update)
  app.put('/inboxes/:inboxId', update)

  app.delete('/inboxes/:inboxId', async (request) => presentInbox((await deleteInbox(ctx, inboxOf(ctx, request))).record))

  app.post('/inboxes/:inboxId/messages/send', async (request) => {
    const inbox = inboxOf(ctx, request)
    const input = sendInput(objectBody(request))
    return presentMessage((await sendMessage(ctx, inbox, input)).record)
  })

  app.get('/inboxes/:inboxId/messages', async (request) => {
    const inbox = inboxOf(ctx, request)
    const query = (request.query as Record<string, unknown>).query
    const messages = listMessages(ctx, inbox.id)
    if (query === undefined || query === '') return messages.map(presentMessage)
    let pattern: RegExp
    try {
      if (typeof query !== 'string') throw new Error('one value')
      pattern = new RegExp(query, 'i')
    } catch (error) {
      throw new ValidationErrors([fieldError('query', query, `must be one regular expression (it is matched, case-insensitive, against subject, text, html, to, cc, bcc and labels): ${(error as Error).message}`, 'query')])
    }
    const matches = (m: (typeof messages)[number]) => [m.subject, m.text, m.html, ...m.to, ...m.cc, ...m.bcc, ...m.labels].some((v) => pattern.test(v))
    return messages.filter(matches).map(presentMessage)
  })

  // As on the server, a message is found by its id alone (the inbox in the path must exist).
  app.get('/inboxes/:inboxId/messages/:messageId', async (request) => {
    inboxOf(ctx, request)
    return presentMessage(messageOf(ctx, request))
  })

  app.post('/inboxes/:inboxId/messages/:messageId/reply', async (request) => {
    const inbox = inboxOf(ctx, request)
    const original = messageOf(ctx, request)
    const body = objectBody(request)
    const errors: FieldError[] = []
    const text = requiredText(body, 'text', errors)
    const html = requiredText(body, 'html', errors)
    if (errors.length > 0) throw new ValidationErrors(errors)
    return presentMessage((await sendMessage(ctx, inbox, replyInput(original, {text: text!, html: html!}), {replyTo: original})).record)
  })

  app.get('/inboxes/:inboxId/threads', async (request) => listThreads(ctx, inboxOf(ctx, request).id).map((t) => presentThread(t)))

  app.get('/inboxes/:inboxId/threads/:threadId', async (request) => {
    const inbox = inboxOf(ctx, request)
    const id = param(request, 'threadId')
    if (!isObjectId(id)) throw new SendookError(404, 'Thread not found')
    const thread = requireThread(ctx, inbox.id, id)
    return presentThread(thread, threadMessages(ctx, thread))
  })
}

function messageOf(ctx: EmulatorContext, request: FastifyRequest) {
  const id = param(request, 'messageId')
  if (!isObjectId(id)) throw new SendookError(404, 'Message not found')
  return requireMessage(ctx, id)
}

/** A send's body, checked field by field (the server checks none and fails with a 500 instead). */
function sendInput(body: Record<string, unknown>): SendInput {
  const errors: FieldError[] = []
  const to = addressList(body, 'to', errors, true)
  const cc = addressList(body, 'cc', errors, false)
  const bcc = addressList(body, 'bcc', errors, false)
  let labels: string[] | undefined
  if (body.labels !== undefined) {
    if (!Array.isArray(body.labels) || !body.labels.every((l) => typeof l === 'string')) errors.push(fieldError('labels', body.labels, 'must be a list of strings'))
    else labels = body.labels as string[]
  }
  const subject = requiredText(body, 'subject', errors)
  const text = requiredText(body, 'text', errors)
  const html = requiredText(body, 'html', errors)
  let attachments: SendInput['attachments']
  if (body.attachments !== undefined) {
    if (!Array.isArray(body.attachments)) errors.push(fieldError('attachments', body.attachments, 'must be a list of {content (base64), name?, contentType?}'))
    else {
      attachments = []
      body.attachments.forEach((a: unknown, i) => {
        const item = a as Record<string, unknown>
        if (typeof a !== 'object' || a === null || Array.isArray(a)) return errors.push(fieldError(`attachments[${i}]`, a, 'must be an object {content (base64), name?, contentType?}'))
        if (typeof item.content !== 'string' || !/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(item.content)) errors.push(fieldError(`attachments[${i}].content`, item.content, 'must be the file as base64'))
        for (const key of ['name', 'contentType']) if (item[key] !== undefined && typeof item[key] !== 'string') errors.push(fieldError(`attachments[${i}].${key}`, item[key], 'must be a string'))
        attachments!.push({content: item.content as string, ...(item.name === undefined ? {} : {name: item.name as string}), ...(item.contentType === undefined ? {} : {contentType: item.contentType as string})})
      })
    }
  }
  if (errors.length > 0) throw new ValidationErrors(errors)
  return {to: to!, ...(cc ? {cc} : {}), ...(bcc ? {bcc} : {}), ...(labels ? {labels} : {}), subject: subject!, text: text!, html: html!, ...(attachments ? {attachments} : {})}
}

function addressList(body: Record<string, unknown>, field: string, errors: FieldError[], required: boolean): string[] | undefined {
  const value = body[field]
  if (value === undefined && !required) return undefined
  if (!Array.isArray(value) || (required && value.length === 0)) {
    errors.push(fieldError(field, value, required ? 'must be a list of at least one email address, e.g. ["someone@example.com"]' : 'must be a list of email addresses'))
    return undefined
  }
  let ok = true
  value.forEach((v, i) => {
    if (typeof v !== 'string' || !isEmail(v.trim())) {
      errors.push(fieldError(`${field}[${i}]`, v, 'must be an email address'))
      ok = false
    }
  })
  return ok ? (value as string[]).map((v) => v.trim()) : undefined
}

/** A string that must be there and not empty (the server's schema requires subject, text and html). */
function requiredText(body: Record<string, unknown>, field: string, errors: FieldError[]): string | undefined {
  const value = body[field]
  if (typeof value !== 'string' || value === '') {
    errors.push(fieldError(field, value, 'is required: a non-empty string'))
    return undefined
  }
  return value
}

/** An optional string, trimmed, not empty once trimmed (the server's `optional().isString().trim().notEmpty()`). */
function optionalText(body: Record<string, unknown>, field: string, errors: FieldError[]): string | undefined {
  const value = body[field]
  if (value === undefined) return undefined
  if (typeof value !== 'string' || value.trim() === '') {
    errors.push(fieldError(field, value, 'must be a non-empty string'))
    return undefined
  }
  return value.trim()
}
