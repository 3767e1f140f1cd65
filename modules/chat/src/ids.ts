import { randomBytes } from 'node:crypto'

/** Time-ordered ids: sorting by id sorts by time, so history pages by id alone. */
export function messageId(at: number): string {
  return `${at.toString(36).padStart(9, '0')}${randomBytes(6).toString('hex')}`
}
