import { flat } from '@tavern/server'
import type { LogRow } from './store/log.ts'

/**
 * The last log rows of a room, kept as the JSON text they were journaled with. A room keeps up to a few hundred
 * entries for as long as it is loaded; as object graphs (a roll alone is dozens of objects) a thousand busy rooms
 * held a heap of hundreds of megabytes that every major garbage collection had to trace. A string is one object.
 * Rows are decoded only when asked for: when a member joins, and for the target of a reaction.
 */
export class RecentRows {
  private readonly seqs: number[] = []
  private readonly texts: string[] = []

  constructor(private readonly capacity: number) {}

  get length(): number {
    return this.texts.length
  }

  /** Adds the newest row (`json` is `JSON.stringify(row)`), dropping the oldest beyond the capacity. */
  push(seq: number, json: string): void {
    this.seqs.push(seq)
    this.texts.push(flat(json))
    if (this.texts.length > this.capacity) {
      this.seqs.shift()
      this.texts.shift()
    }
  }

  /** The row with this seq, if still kept. */
  find(seq: number): LogRow | undefined {
    const i = this.seqs.lastIndexOf(seq)
    return i < 0 ? undefined : (JSON.parse(this.texts[i]!) as LogRow)
  }

  /** Rows newest first, decoded one at a time (stop early to decode fewer). */
  *newestFirst(): Generator<LogRow> {
    for (let i = this.texts.length - 1; i >= 0; i--) yield JSON.parse(this.texts[i]!) as LogRow
  }
}
