import { Packr } from 'msgpackr'

/**
 * Interest management by cells, with updates assembled from shared, pre-encoded parts.
 *
 * A viewer sees every player and NPC in the cells within `reach` cells of their own (a square "block"). Each send
 * round, what changed is filed once per cell as a fragment — steps, changed views, entities that crossed into or
 * out of the cell — each part encoded once. A viewer who stayed in their cell gets the fragments of their block
 * stitched together, deciding per crossing only whether they knew the entity (it came from inside their block: a
 * step or a changed view) or not (added), or whether it left their block (removed). A viewer who changed cells (or
 * knows nothing yet) is diffed against what they knew at the last round: the entities whose cell at the last round
 * was inside their previous block. Either way the work per viewer is the changes around them, and the bytes of a
 * change are encoded once for all of its viewers.
 */

/** A cell key for "nowhere": an entity new on the map this round, or a viewer who has been told nothing yet. */
export const NO_CELL = -1
/** Change bits of an entity within one round. */
export const STEP = 1
export const VIEW = 2
export const APPEARANCE = 4

/** A player or NPC as interest management tracks it. */
export interface Tracked {
  readonly kind: 'players' | 'npcs'
  readonly id: string
  /** The id, encoded (for `removed`). */
  readonly idBytes: Buffer
  /** The cell the grid files it under now, and the one it was in at the end of the last round. */
  cell: number
  roundCell: number
  /** STEP / VIEW / APPEARANCE bits since the last round. */
  dirty: number
  encodedView(withAppearance: boolean): Buffer
  encodedStep(): Buffer
}

const packr = new Packr({ useRecords: false, variableMapSize: true })

/** msgpack of a value, in a buffer of its own (safe to keep: it pins no shared working buffer). */
export function encodeOwned(value: unknown): Buffer {
  const e = packr.pack(value)
  const own = Buffer.allocUnsafeSlow(e.length)
  e.copy(own)
  return own
}

/** msgpack of a value, valid for the current send round. */
export function encode(value: unknown): Buffer {
  return packr.pack(value)
}

/** Whether cell `key` lies within `reach` cells of cell `centre` (keys are (cx + 32768) * 65536 + cy + 32768). */
export function inBlock(key: number, centre: number, reach: number): boolean {
  if (key === NO_CELL || centre === NO_CELL) return false
  const dx = Math.floor(key / 65536) - Math.floor(centre / 65536)
  const dy = (key % 65536) - (centre % 65536)
  return dx <= reach && dx >= -reach && dy <= reach && dy >= -reach
}

/** Calls `fn` with every cell key of the block around `centre`. */
export function forBlock(centre: number, reach: number, fn: (key: number) => void): void {
  for (let dx = -reach; dx <= reach; dx++)
    for (let dy = -reach; dy <= reach; dy++) fn(centre + dx * 65536 + dy)
}

/** An entity that crossed into a cell this round; `from` is NO_CELL for one new on the map. */
interface Entered {
  e: Tracked
  from: number
}
/** An entity that left a cell this round, for another (`to`) or the map (NO_CELL). */
interface Left {
  e: Tracked
  to: number
}

/**
 * The encodings of a list of entities back to back in one buffer, built on first use, and where each one ends. A
 * viewer takes a cell's whole list with one copy instead of one per entity (a crowded cell holds hundreds).
 */
class Run {
  private bytes: Buffer | null = null
  private ends: number[] = []

  constructor(
    readonly entities: Tracked[],
    private readonly encoded: (e: Tracked) => Buffer,
  ) {}

  /**
   * Appends every element but `self`'s (one's own change is not news) to `out`. `self` is null for a cell the
   * viewer is not in, which then takes the whole run without a search.
   */
  addTo(out: PartList, self: Tracked | null): void {
    const n = this.entities.length
    if (n === 0) return
    if (!this.bytes) {
      const parts = this.entities.map(this.encoded)
      this.bytes = Buffer.concat(parts)
      let end = 0
      this.ends = parts.map((b) => (end += b.length))
    }
    const k = self === null ? -1 : this.entities.indexOf(self)
    if (k < 0) {
      out.pushRun(this.bytes, n)
      return
    }
    const start = k === 0 ? 0 : this.ends[k - 1]!
    if (k > 0) out.pushRun(this.bytes.subarray(0, start), k)
    if (k < n - 1) out.pushRun(this.bytes.subarray(this.ends[k]!), n - 1 - k)
  }
}

/** What changed in one cell this round, for one kind of entity. */
export class Fragment {
  readonly steps: Tracked[] = []
  readonly changes: Tracked[] = []
  readonly entered: Entered[] = []
  readonly left: Left[] = []
  /** `steps` and `changes` encoded as runs (read once the round's filing is done). */
  readonly stepRun = new Run(this.steps, (e) => e.encodedStep())
  readonly changeRun = new Run(this.changes, (e) => e.encodedView((e.dirty & APPEARANCE) !== 0))
}

/** The encoded elements of one list of an update: buffers of one or more elements each, and how many in all. */
export class PartList {
  readonly parts: Buffer[] = []
  length = 0

  push(element: Buffer): void {
    this.parts.push(element)
    this.length++
  }

  /** `bytes` holds `n` encoded elements back to back. */
  pushRun(bytes: Buffer, n: number): void {
    this.parts.push(bytes)
    this.length += n
  }
}

/** The encoded elements of one kind's lists in an update. */
export class KindParts {
  readonly added = new PartList()
  readonly changed = new PartList()
  readonly removed = new PartList()
  readonly moved = new PartList()

  get empty(): boolean {
    return (
      this.added.length === 0 &&
      this.changed.length === 0 &&
      this.removed.length === 0 &&
      this.moved.length === 0
    )
  }
}

/** The encoded parts of one `world.update`. */
export class UpdateParts {
  readonly players = new KindParts()
  readonly npcs = new KindParts()
  readonly items = new KindParts()
  /** Swings (`combat`). */
  readonly combat = new PartList()
}

/** How a viewer who holds an entity's view is told of its change this round. */
function asKnown(e: Tracked, out: KindParts): void {
  if (e.dirty & VIEW) out.changed.push(e.encodedView((e.dirty & APPEARANCE) !== 0))
  else if (e.dirty & STEP) out.moved.push(e.encodedStep())
}

/**
 * The changes of one round, filed by cell. Built from the entities touched in the round and those that left the
 * map; read by every viewer of the map; dropped at the end of the round.
 */
/** A cell's share of one round: what its players and NPCs did, and the swings in it (encoded). */
interface CellRound {
  players: Fragment
  npcs: Fragment
  swings: Buffer[]
}

export class RoundFragments {
  private readonly byCell = new Map<number, CellRound>()

  constructor(
    touched: Iterable<Tracked>,
    departed: Iterable<{ e: Tracked; roundCell: number }>,
    swings: Iterable<{ cell: number; bytes: Buffer }>,
  ) {
    for (const { cell, bytes } of swings) this.cellRound(cell).swings.push(bytes)
    for (const e of touched) {
      if (e.roundCell === e.cell) {
        if (e.dirty & VIEW) this.at(e.cell, e.kind).changes.push(e)
        else if (e.dirty & STEP) this.at(e.cell, e.kind).steps.push(e)
        continue
      }
      this.at(e.cell, e.kind).entered.push({ e, from: e.roundCell })
      if (e.roundCell !== NO_CELL) this.at(e.roundCell, e.kind).left.push({ e, to: e.cell })
    }
    for (const { e, roundCell } of departed) this.at(roundCell, e.kind).left.push({ e, to: NO_CELL })
  }

  get(cell: number): CellRound | undefined {
    return this.byCell.get(cell)
  }

  private cellRound(cell: number): CellRound {
    let f = this.byCell.get(cell)
    if (!f) {
      f = { players: new Fragment(), npcs: new Fragment(), swings: [] }
      this.byCell.set(cell, f)
    }
    return f
  }

  private at(cell: number, kind: 'players' | 'npcs'): Fragment {
    return this.cellRound(cell)[kind]
  }

  /** The swings in the block around `centre`. */
  collectSwings(centre: number, reach: number, out: PartList): void {
    forBlock(centre, reach, (key) => {
      const f = this.byCell.get(key)
      if (f) for (const b of f.swings) out.push(b)
    })
  }

  /**
   * A viewer who stayed in cell `centre`: the fragments of their block, stitched. With `viewer` null, the update of
   * every viewer who stayed in that cell: the same bytes for all of them, which may list one's own step or change
   * (a viewer who stayed crossed no cell, so it is never among the crossings).
   */
  collect(viewer: Tracked | null, centre: number, reach: number, out: UpdateParts): void {
    forBlock(centre, reach, (key) => {
      const f = this.byCell.get(key)
      if (!f) return
      // Only the viewer's own cell can list the viewer among its steps and changes.
      const self = key === centre ? viewer : null
      stitch(f.players, viewer, self, centre, reach, out.players)
      stitch(f.npcs, viewer, self, centre, reach, out.npcs)
      for (const b of f.swings) out.combat.push(b)
    })
  }

  /** Entities that left cells of the old block for a cell outside both blocks (or the map): removed. */
  collectGone(
    viewer: Tracked,
    from: number,
    to: number,
    reach: number,
    out: Record<'players' | 'npcs', KindParts>,
  ) {
    forBlock(from, reach, (key) => {
      const f = this.byCell.get(key)
      if (!f) return
      for (const frag of [f.players, f.npcs])
        for (const l of frag.left) {
          if (l.e === viewer) continue
          if (l.to === NO_CELL || (!inBlock(l.to, from, reach) && !inBlock(l.to, to, reach)))
            out[l.e.kind].removed.push(l.e.idBytes)
        }
    })
  }
}

function stitch(
  f: Fragment,
  viewer: Tracked | null,
  self: Tracked | null,
  centre: number,
  reach: number,
  out: KindParts,
): void {
  stitchChanges(f, viewer, self, centre, reach, out)
  for (const { e, to } of f.left) if (e !== viewer && !inBlock(to, centre, reach)) out.removed.push(e.idBytes)
}

/**
 * What a viewer who held a cell's entities learns of them this round: the steps and changes of those that stayed,
 * and those that came in — known if they came from the block around `knew`, added otherwise.
 */
function stitchChanges(
  f: Fragment,
  viewer: Tracked | null,
  self: Tracked | null,
  knew: number,
  reach: number,
  out: KindParts,
): void {
  f.stepRun.addTo(out.moved, self)
  f.changeRun.addTo(out.changed, self)
  for (const { e, from } of f.entered) {
    if (e === viewer) continue
    if (inBlock(from, knew, reach)) asKnown(e, out)
    else out.added.push(e.encodedView(true))
  }
}

/**
 * A viewer diffed against what they knew: `was` is their cell at the last round (NO_CELL: they know nothing),
 * `cellAt(key)` the players and NPCs now filed in a cell.
 */
export function rediff(
  viewer: Tracked,
  was: number,
  now: number,
  reach: number,
  cellAt: (key: number) => { players: Iterable<Tracked>; npcs: Iterable<Tracked> } | undefined,
  fragments: RoundFragments,
  out: UpdateParts,
): void {
  fragments.collectSwings(now, reach, out.combat)
  const knew = (e: Tracked) => inBlock(e.roundCell, was, reach)
  const see = (e: Tracked) => {
    if (e === viewer) return
    if (knew(e)) asKnown(e, out[e.kind])
    else out[e.kind].added.push(e.encodedView(true))
  }
  const lose = (e: Tracked) => {
    if (e !== viewer && knew(e)) out[e.kind].removed.push(e.idBytes)
  }
  forBlock(now, reach, (key) => {
    // A cell of both blocks: the viewer held its entities, so only this round's changes and arrivals are news.
    // (Those that left it are told by the cell they went to, or below: removed.)
    if (inBlock(key, was, reach)) {
      const f = fragments.get(key)
      if (!f) return
      const self = key === now ? viewer : null
      stitchChanges(f.players, viewer, self, was, reach, out.players)
      stitchChanges(f.npcs, viewer, self, was, reach, out.npcs)
      return
    }
    const c = cellAt(key)
    if (!c) return
    for (const e of c.players) see(e)
    for (const e of c.npcs) see(e)
  })
  if (was === NO_CELL) return
  forBlock(was, reach, (key) => {
    const c = inBlock(key, now, reach) ? undefined : cellAt(key)
    if (!c) return
    for (const e of c.players) lose(e)
    for (const e of c.npcs) lose(e)
  })
  fragments.collectGone(viewer, was, now, reach, out)
}

// --- The update's bytes: a msgpack map written around the pre-encoded elements. ---

const KEY_NAMES = [
  'map',
  'at',
  'reset',
  'players',
  'npcs',
  'items',
  'combat',
  'added',
  'changed',
  'removed',
  'moved',
] as const
/** The update's map keys, encoded. */
const KEY = Object.fromEntries(KEY_NAMES.map((k) => [k, encodeOwned(k)])) as Record<
  (typeof KEY_NAMES)[number],
  Buffer
>
const TRUE = encodeOwned(true)
const LISTS = ['added', 'changed', 'removed', 'moved'] as const

function arrayHeaderSize(n: number): number {
  return n < 16 ? 1 : n < 0x10000 ? 3 : 5
}

function writeArrayHeader(b: Buffer, at: number, n: number): number {
  if (n < 16) {
    b[at] = 0x90 | n
    return at + 1
  }
  if (n < 0x10000) {
    b[at] = 0xdc
    b.writeUInt16BE(n, at + 1)
    return at + 3
  }
  b[at] = 0xdd
  b.writeUInt32BE(n, at + 1)
  return at + 5
}

/** Bytes of a msgpack array of the list's elements. */
function arraySize(elements: PartList): number {
  let size = arrayHeaderSize(elements.length)
  for (const p of elements.parts) size += p.length
  return size
}

function writeArray(b: Buffer, at: number, elements: PartList): number {
  at = writeArrayHeader(b, at, elements.length)
  for (const p of elements.parts) {
    b.set(p, at)
    at += p.length
  }
  return at
}

function kindSize(k: KindParts): number {
  let size = 1
  for (const list of LISTS) if (k[list].length > 0) size += KEY[list].length + arraySize(k[list])
  return size
}

function writeKind(b: Buffer, at: number, k: KindParts): number {
  let n = 0
  for (const list of LISTS) if (k[list].length > 0) n++
  b[at++] = 0x80 | n
  for (const list of LISTS) {
    if (k[list].length === 0) continue
    at += KEY[list].copy(b, at)
    at = writeArray(b, at, k[list])
  }
  return at
}

const KINDS = ['players', 'npcs', 'items'] as const

/**
 * A `world.update` payload ({ map, at, reset?, players?, npcs?, items?, combat? }) ready to be written from encoded
 * parts, or null when there is nothing to say: its msgpack size, and `write` to put it at an offset of a frame.
 * `map` and `at` come encoded (once per round). A `reset` update is sent even when empty: the viewer must drop what
 * it held.
 */
export function updatePayload(
  map: Buffer,
  at: Buffer,
  parts: UpdateParts,
  reset = false,
): { length: number; write: (b: Buffer, o: number) => void } | null {
  let entries = 2
  let length = 1 + KEY.map.length + map.length + KEY.at.length + at.length
  if (reset) {
    entries++
    length += KEY.reset.length + TRUE.length
  }
  for (const name of KINDS) {
    if (parts[name].empty) continue
    entries++
    length += KEY[name].length + kindSize(parts[name])
  }
  if (parts.combat.length > 0) {
    entries++
    length += KEY.combat.length + arraySize(parts.combat)
  }
  if (entries === 2) return null
  return { length, write: (b, o) => writeUpdate(b, o, entries, map, at, parts, reset) }
}

function writeUpdate(
  b: Buffer,
  o: number,
  entries: number,
  map: Buffer,
  at: Buffer,
  parts: UpdateParts,
  reset: boolean,
): void {
  b[o++] = 0x80 | entries
  o += KEY.map.copy(b, o)
  o += map.copy(b, o)
  o += KEY.at.copy(b, o)
  o += at.copy(b, o)
  if (reset) {
    o += KEY.reset.copy(b, o)
    o += TRUE.copy(b, o)
  }
  for (const name of KINDS) {
    if (parts[name].empty) continue
    o += KEY[name].copy(b, o)
    o = writeKind(b, o, parts[name])
  }
  if (parts.combat.length > 0) {
    o += KEY.combat.copy(b, o)
    writeArray(b, o, parts.combat)
  }
}
