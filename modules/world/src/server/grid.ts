/** Anything the interest grid tracks. */
export interface Placed {
  x: number
  y: number
  /** Key of the cell the entity is filed under (maintained by the grid). */
  cell: number
}

/** One cell: what stands in it, and the send tick at which something in it last changed. */
export class Cell<P, N, I> {
  readonly players = new Set<P>()
  readonly npcs = new Set<N>()
  readonly items = new Set<I>()
  changedAt = 0
}

type Kind = 'players' | 'npcs' | 'items'

/**
 * A uniform grid over one map (cells of `size` tiles). Viewers read only the cells within their view radius, so a
 * scan costs what is near them, not what is on the map; cells remember when they last changed so a viewer whose
 * surroundings are quiet is skipped altogether.
 */
export class SpatialGrid<P extends Placed, N extends Placed, I extends Placed> {
  private readonly cells = new Map<number, Cell<P, N, I>>()
  /** Bumped by the owner once per send round; changes are stamped with it. */
  stamp = 1

  constructor(readonly size: number) {}

  key(x: number, y: number): number {
    return (Math.floor(x / this.size) + 32768) * 65536 + (Math.floor(y / this.size) + 32768)
  }

  private cellAt(key: number): Cell<P, N, I> {
    let c = this.cells.get(key)
    if (!c) {
      c = new Cell()
      this.cells.set(key, c)
    }
    return c
  }

  insert(kind: Kind, e: P | N | I): void {
    e.cell = this.key(e.x, e.y)
    const c = this.cellAt(e.cell)
    ;(c[kind] as Set<unknown>).add(e)
    c.changedAt = this.stamp
  }

  remove(kind: Kind, e: P | N | I): void {
    const c = this.cells.get(e.cell)
    if (!c) return
    ;(c[kind] as Set<unknown>).delete(e)
    c.changedAt = this.stamp
  }

  /** Refiles an entity after it moved, and marks its cell changed. */
  moved(kind: Kind, e: P | N | I): void {
    const key = this.key(e.x, e.y)
    if (key !== e.cell) {
      this.remove(kind, e)
      e.cell = key
      const c = this.cellAt(key)
      ;(c[kind] as Set<unknown>).add(e)
      c.changedAt = this.stamp
    } else this.touch(e)
  }

  /** Marks the cell of an entity changed (its view changed). */
  touch(e: Placed): void {
    const c = this.cells.get(e.cell)
    if (c) c.changedAt = this.stamp
  }

  /** Calls `fn` for every cell overlapping the square of `radius` tiles around (x, y). */
  around(x: number, y: number, radius: number, fn: (c: Cell<P, N, I>) => void): void {
    const s = this.size
    const cx0 = Math.floor((x - radius) / s)
    const cx1 = Math.floor((x + radius) / s)
    const cy0 = Math.floor((y - radius) / s)
    const cy1 = Math.floor((y + radius) / s)
    for (let cx = cx0; cx <= cx1; cx++) {
      for (let cy = cy0; cy <= cy1; cy++) {
        const c = this.cells.get((cx + 32768) * 65536 + (cy + 32768))
        if (c) fn(c)
      }
    }
  }

  /**
   * Whether any cell around (x, y) changed in or after round `since`. A change stamped with the round of the last
   * scan may have come after that scan, so it counts (at worst one extra scan).
   */
  changedSince(x: number, y: number, radius: number, since: number): boolean {
    let changed = false
    this.around(x, y, radius, (c) => {
      if (c.changedAt >= since) changed = true
    })
    return changed
  }
}
