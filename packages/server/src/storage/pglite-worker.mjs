// PGlite in a worker thread (see pglite-thread.ts). Plain JavaScript: a worker does not inherit the TypeScript
// loader everywhere Tavern runs (test runners, plain node).
import { parentPort, workerData } from 'node:worker_threads'
import { PGlite, types } from '@electric-sql/pglite'

// The result types of pgliteParsers in pglite.ts: int8 as number, numeric as string.
const parsers = { [types.INT8]: (x) => Number(x), [types.NUMERIC]: (x) => x }
/** @type {PGlite} */
let pg
/** Open transactions by id: the PGlite transaction and how to end it. */
const txs = new Map()
let nextTx = 1

const reply = (id, result) => parentPort.postMessage({ id, result })
const fail = (id, err) =>
  parentPort.postMessage({
    id,
    error: {
      message: err?.message ?? String(err),
      name: err?.name,
      code: err?.code,
      detail: err?.detail,
      hint: err?.hint,
      constraint: err?.constraint,
      table: err?.table,
      column: err?.column,
      schema: err?.schema,
      severity: err?.severity,
      position: err?.position,
    },
  })

const target = (tx) => {
  if (!tx) return pg
  const t = txs.get(tx)
  if (!t?.tx) throw new Error(`transaction ${tx} is not open`)
  return t.tx
}

async function handle(m) {
  switch (m.op) {
    case 'open':
      pg = await PGlite.create(workerData.dataDir, { parsers, postgresqlconf: workerData.conf })
      return reply(m.id, null)
    case 'query':
      return reply(m.id, (await target(m.tx).query(m.text, m.params)).rows)
    case 'exec':
      await target(m.tx).exec(m.text)
      return reply(m.id, null)
    case 'begin': {
      // The reply goes out once PGlite's transaction has started (it waits for any other to end first).
      const id = nextTx++
      const t = {}
      t.end = new Promise((resolve, reject) => {
        t.commit = resolve
        t.rollback = reject
      })
      t.end.catch(() => {})
      txs.set(id, t)
      t.done = pg.transaction(async (tx) => {
        t.tx = tx
        reply(m.id, id)
        await t.end
      })
      t.done.catch((err) => {
        if (!t.tx) {
          txs.delete(id)
          fail(m.id, err)
        }
      })
      return
    }
    case 'commit':
    case 'rollback': {
      const t = txs.get(m.tx)
      txs.delete(m.tx)
      if (!t) throw new Error(`transaction ${m.tx} is not open`)
      if (m.op === 'commit') {
        t.commit()
        await t.done
      } else {
        t.rollback(new Error('rolled back'))
        await t.done.catch(() => {})
      }
      return reply(m.id, null)
    }
    case 'close':
      await pg?.close()
      return reply(m.id, null)
    default:
      throw new Error(`unknown op ${m.op}`)
  }
}

parentPort.on('message', (m) => {
  handle(m).catch((err) => fail(m.id, err))
})
