/** Anything the interest grid tracks. */
export interface Placed {
  x: number
  y: number
  /** Key of the cell the entity is filed under (maintained by the grid). */
  cell: number
}

/** One cell: what stands in it, and the round in which its ground items last changed. */
export class Cell<P, N, I> {
  readonly players = new Set<P>()
  readonly npcs = new Set<N>()
  readonly items = new Set<I>()
  itemsChangedAt = 0
}

type Kind = 'players' | 'npcs' | 'items'

/**
 * A uniform grid over one map (cells of `size` tiles; key (cx + 32768) * 65536 + cy + 32768). Interest management
 * reads the cells around a viewer, so its work follows what is near them, not what is on the map.
 */
export class SpatialGrid<P extends Placed, N extends Placed, I extends Placed> {
  private readonly cells = new Map<number, Cell<P, N, I>>()
  /** The current send round (set by the map); item changes are stamped with it. */
  stamp = 1

  constructor(readonly size: number) {}

  key(x: number, y: number): number {
    return (Math.floor(x / this.size) + 32768) * 65536 + (Math.floor(y / this.size) + 32768)
  }

  cell(key: number): Cell<P, N, I> | undefined {
    return this.cells.get(key)
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
    if (kind === 'items') c.itemsChangedAt = this.stamp
  }

  remove(kind: Kind, e: P | N | I): void {
    const c = this.cells.get(e.cell)
    if (!c) return
    ;(c[kind] as Set<unknown>).delete(e)
    if (kind === 'items') c.itemsChangedAt = this.stamp
  }

  /** Refiles an entity after it moved. */
  moved(kind: Kind, e: P | N | I): void {
    const key = this.key(e.x, e.y)
    if (key === e.cell) return
    this.remove(kind, e)
    this.insert(kind, e)
  }

  /** Marks a ground item's cell changed (its view or who may see it changed). */
  touchItem(e: I): void {
    const c = this.cells.get(e.cell)
    if (c) c.itemsChangedAt = this.stamp
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
}
