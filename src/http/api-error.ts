import type {FastifyError, FastifyReply, FastifyRequest} from 'fastify'
import {ZodError} from 'zod'
import {OperationError} from '../emulator/emulator-context.js'
import {StoreWriteError} from '../store/store-errors.js'

/** The body of every error answer: `{"error":{"status","code","message","field"?}}`. */
export interface ErrorBody {
  error: {status: number; code: string; message: string; field?: string; details?: Array<{field: string; message: string}>}
}

/** Builds the error body. */
export function errorBody(status: number, code: string, message: string, field?: string): ErrorBody {
  return {error: {status, code, message, ...(field === undefined ? {} : {field})}}
}

/** Fastify's own errors: the status, code, message and field junkmail answers instead. */
const fastifyCodes: Record<string, [number, string, string, string?]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'Content-Type must be application/json', 'Content-Type'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'invalid_content_length', 'Content-Length does not match the body', 'body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'invalid_json', 'body is empty but Content-Type is application/json', 'body'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'invalid_json', 'body is not valid JSON', 'body'],
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'body is larger than the limit', 'body'],
  // Raised by the router, before any route (hence before any hook): see `frameworkErrors`.
  FST_ERR_MAX_PARAM_LENGTH: [414, 'uri_too_long', 'a path segment is longer than 100 characters (no id is that long)'],
  FST_ERR_BAD_URL: [400, 'bad_url', 'the path is not valid percent-encoding (e.g. "%zz")'],
}

/** Turns anything thrown by a route into the right status and a JSON error naming the field. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof OperationError) {
    void reply.status(error.status).send(errorBody(error.status, error.code, error.message, error.field))
    return
  }
  if (error instanceof ZodError) {
    const details = error.issues.map((i) => ({field: formatPath(i.path), message: i.message}))
    const first = details[0]
    const body = errorBody(400, 'validation_error', `${first.field}: ${first.message}`, first.field)
    body.error.details = details
    void reply.status(400).send(body)
    return
  }
  if (error instanceof StoreWriteError) {
    // The change was rolled back: nothing was done, and trying again once the disk has room works.
    const message = `the store could not be written, so nothing was changed: ${error.message}`
    void reply.status(503).header('retry-after', '2').send(errorBody(503, 'store_unavailable', message))
    return
  }
  const code = (error as FastifyError).code
  const known = code ? fastifyCodes[code] : undefined
  if (known) {
    const [status, name, message, field] = known
    void reply.status(status).send(errorBody(status, name, message, field))
    return
  }
  const status = (error as FastifyError).statusCode
  if (error instanceof SyntaxError || status === 400) {
    void reply.status(400).send(errorBody(400, 'invalid_json', `body is not valid JSON: ${error.message}`, 'body'))
    return
  }
  // Any other client error fastify raises keeps its status, in junkmail's shape.
  if (status !== undefined && status >= 400 && status < 500) {
    void reply.status(status).send(errorBody(status, 'bad_request', error.message))
    return
  }
  request.log.error(error)
  void reply.status(500).send(errorBody(500, 'internal_error', `internal error: ${error.message}`))
}

/** `events[1]`, `secret`, `set.subject`: a zod path as a field name. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return 'body'
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '')
}
