import type { TableRole, TableStatus } from '@tavern/protocol'
import { type Rejection, reject } from '@tavern/server'

/** What an action needs: to be a member (read), to play (act: GMs and players), or to run the table (gm). */
export type Need = 'read' | 'act' | 'gm'

/** Checks a member's role (undefined: not a member) against what an action needs. */
export function checkRole(role: TableRole | undefined, need: Need): Rejection | null {
  if (role === undefined) return reject('table.not_member')
  if (need === 'gm' && role !== 'gm') return reject('table.gm_only')
  if (need === 'act' && role === 'spectator') return reject('table.spectator_read_only')
  return null
}

const transitions: Record<TableStatus, readonly TableStatus[]> = {
  scheduled: ['in_progress', 'completed'],
  in_progress: ['paused', 'completed'],
  paused: ['in_progress', 'completed'],
  completed: [],
}

/** Whether a session may go from one status to another (completed is final). */
export function checkTransition(from: TableStatus, to: TableStatus): Rejection | null {
  if (from === to) return null
  if (!transitions[from].includes(to)) {
    return reject('table.invalid_transition', { message: `A ${from} session cannot become ${to}` })
  }
  return null
}

/** Trims a text and checks it against a length limit (counted in characters, not UTF-16 units). */
export function checkText(text: string, maxLength: number): string | Rejection {
  const trimmed = text.trim()
  if (trimmed.length === 0) return reject('table.text_empty')
  if ([...trimmed].length > maxLength) {
    return reject('table.text_too_long', {
      message: `At most ${maxLength} characters`,
      details: { maxLength },
    })
  }
  return trimmed
}
