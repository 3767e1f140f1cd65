import type { HotOp } from './types.ts'

function fail(op: HotOp, why: string): never {
  throw new Error(`invalid ${op.op} op on ${JSON.stringify(op.key)}: ${why}`)
}

/**
 * Checks a batch before anything is sent: Valkey's MULTI/EXEC cannot roll back, so an op the server would refuse
 * must be caught here for the batch to stay all-or-nothing. (A type clash with an existing key is only found by
 * the server, and there the other ops of the batch still run.)
 */
export function validateHotOps(ops: readonly HotOp[]): void {
  for (const op of ops) {
    if (typeof op.key !== 'string' || op.key === '') fail(op, 'the key must be a non-empty string')
    switch (op.op) {
      case 'set':
        if (op.ttlMs !== undefined && !(Number.isFinite(op.ttlMs) && op.ttlMs > 0))
          fail(op, 'ttlMs must be > 0')
        break
      case 'expire':
        if (!Number.isFinite(op.ttlMs)) fail(op, 'ttlMs must be a finite number')
        break
      case 'hincrby':
        if (!Number.isSafeInteger(op.by)) fail(op, 'by must be an integer')
        break
      case 'zadd':
        for (const [score] of op.entries) if (Number.isNaN(score)) fail(op, 'a score is NaN')
        break
      case 'ltrim':
        if (!Number.isSafeInteger(op.start) || !Number.isSafeInteger(op.stop))
          fail(op, 'start and stop must be integers')
        break
    }
  }
}

/** Rejects a non-integer increment the way Valkey does. */
export function assertInteger(by: number): void {
  if (!Number.isSafeInteger(by)) throw new Error('ERR value is not an integer or out of range')
}
