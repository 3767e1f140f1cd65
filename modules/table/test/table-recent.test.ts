import { describe, expect, it } from 'vitest'
import { RecentRows } from '../src/recent.ts'
import type { LogRow } from '../src/store/log.ts'

function row(seq: number): LogRow {
  return {
    sessionId: 's1',
    seq,
    at: 1000 + seq,
    audience: seq % 2 === 0 ? { all: true } : { all: false, users: ['u1'], gms: false },
    entry: { kind: 'chat', text: `line ${seq}`, inline: [], seq, at: 1000 + seq, from: null },
  }
}

describe('recent rows of a room', () => {
  it('keeps the newest rows up to its capacity, as they were journaled', () => {
    const recent = new RecentRows(3)
    for (let seq = 1; seq <= 5; seq++) recent.push(seq, JSON.stringify(row(seq)))
    expect(recent.length).toBe(3)
    expect([...recent.newestFirst()]).toEqual([row(5), row(4), row(3)])
    expect(recent.find(4)).toEqual(row(4))
    expect(recent.find(2)).toBeUndefined()
  })

  it('decodes only as many rows as the reader takes', () => {
    const recent = new RecentRows(10)
    recent.push(1, JSON.stringify(row(1)))
    recent.push(2, '{ not json')
    const rows = recent.newestFirst()
    expect(() => rows.next()).toThrow()
    const again = new RecentRows(10)
    again.push(1, '{ not json')
    again.push(2, JSON.stringify(row(2)))
    expect(again.newestFirst().next().value).toEqual(row(2))
  })
})
