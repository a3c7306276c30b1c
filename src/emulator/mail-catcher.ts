import type {MailboxSummary, MailCatcher, MailDetail} from '../providers/provider.js'
import {type EmulatorContext, OperationError} from './emulator-context.js'

/** The provider's mail catcher, or a 404 saying it keeps no mail. */
export function requireCatcher(ctx: EmulatorContext): MailCatcher {
  if (!ctx.provider.catcher) throw new OperationError(404, 'not_found', `${ctx.provider.displayName} keeps no mail`)
  return ctx.provider.catcher
}

/** The mailbox with this id or address (case-insensitive), if any. */
export function findMailbox(ctx: EmulatorContext, idOrEmail: string): MailboxSummary | undefined {
  const wanted = idOrEmail.toLowerCase()
  return ctx.provider.catcher?.mailboxes(ctx).find((m) => m.id === idOrEmail || m.email.toLowerCase() === wanted)
}

/** One message in full, or a 404. */
export async function requireMessage(ctx: EmulatorContext, id: string): Promise<MailDetail> {
  const message = await requireCatcher(ctx).message(ctx, id)
  if (!message) throw new OperationError(404, 'not_found', `no message with id ${id}`, 'id')
  return message
}
