/** An address as the API shows it. */
export interface PresentedAddress {
  id: string
  email: string
  createdAt: string
  expiresAt: string
  status: 'active' | 'expired'
  expiredAt: string | null
}

/** An email as listed. */
export interface PresentedEmail {
  id: string
  addressId: string
  to: string
  from: string
  subject: string
  messageId: string | null
  receivedAt: string
  size: number
  parseError: string | null
}

/** An email in full. */
export interface EmailDetail extends PresentedEmail {
  envelope: {mailFrom: string; rcptTo: string[]; authUser: string | null; remoteAddress: string | null}
  headers: Array<{name: string; value: string}>
  toHeader: string[]
  cc: string[]
  date: string | null
  attachments: Array<{index: number; filename: string | null; contentType: string; size: number}>
  text: string | null
  html: string | null
}
