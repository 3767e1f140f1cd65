import type { TavernClient } from '@tavern/client'
import type { WorldNpcView } from '@tavern/protocol'
import { describeError } from '../errors.ts'
import { dirOf, findPath } from './path.ts'
import type { Renderer } from './renderer.ts'
import type { Facing, WorldStore } from './store.ts'

const STEP: Record<Facing, [number, number]> = { up: [0, -1], down: [0, 1], left: [-1, 0], right: [1, 0] }

/** What a click or a finished walk does when it arrives. */
export type Intent =
  | { kind: 'walk' }
  | { kind: 'attack'; targetKind: 'npc' | 'player'; id: string }
  | { kind: 'pickup'; id: string }
  | { kind: 'talk'; npc: WorldNpcView }

/**
 * Turns input into requests at the allowed rate: held keys and click-to-move paths become one `world.move`
 * per cooldown, predicted locally and corrected by the reply. Also keeps the chunks around the camera loaded.
 */
export class Controller {
  held = new Set<Facing>()
  /** A key pressed and released between two frames still makes its step. */
  tapped: Facing | null = null
  private path: { x: number; y: number }[] = []
  private intent: Intent = { kind: 'walk' }
  private lastStep = 0
  private inFlight = 0
  private lastChunkAsk = 0
  private asked = new Set<string>()

  constructor(
    private readonly client: TavernClient,
    private readonly store: WorldStore,
    private readonly renderer: Renderer,
    private readonly notify: (text: string, tone?: 'error' | 'info') => void,
  ) {}

  /** Walks to a tile, then does what the click meant. */
  goTo(x: number, y: number, intent: Intent = { kind: 'walk' }, chasing = false): void {
    const self = this.store.self
    if (!self || self.dead) return
    const here = { x: self.x, y: self.y }
    if (!chasing) this.chase = 0
    // Melee and talk need to stand next to the target's footprint: Chebyshev distance exactly 1.
    const target =
      intent.kind === 'attack' || intent.kind === 'talk'
        ? (this.targetTile(intent) ?? { x, y, w: 1, h: 1 })
        : null
    let path: { x: number; y: number }[] = []
    if (target) {
      if (reach(here, target) === 1) {
        this.path = []
        this.renderer.path = []
        this.arrive(intent)
        return
      }
      let best: { x: number; y: number }[] | null = null
      for (let ty = target.y - 1; ty <= target.y + target.h; ty++)
        for (let tx = target.x - 1; tx <= target.x + target.w; tx++) {
          if (reach({ x: tx, y: ty }, target) !== 1 || !this.store.walkable(tx, ty)) continue
          const p = findPath(here, { x: tx, y: ty }, (a, b) => this.store.walkable(a, b))
          if (p.length && (!best || p.length < best.length)) best = p
        }
      path = best ?? []
    } else path = findPath(here, { x, y }, (a, b) => this.store.walkable(a, b))
    if (path.length === 0 && !(here.x === x && here.y === y)) {
      this.notify('You cannot find a way there.', 'info')
      return
    }
    this.path = path
    this.intent = intent
    this.renderer.path = path
    if (path.length === 0) this.arrive(intent)
  }

  /** Called every frame: takes the next step when the cooldown allows, and fetches chunks ahead. */
  tick(now: number): void {
    const self = this.store.self
    const cfg = this.store.config
    if (!self || !cfg) return
    this.ensureChunks(now)
    if (self.dead || this.inFlight > 1 || now - this.lastStep < cfg.moveCooldownMs + 5) return
    let dir: Facing | null = null
    if (this.held.size > 0 || this.tapped) {
      dir = [...this.held].at(-1) ?? this.tapped!
      this.tapped = null
      this.path = []
      this.renderer.path = []
    } else if (this.path.length > 0) {
      const next = this.path[0]!
      dir = dirOf(next.x - self.x, next.y - self.y)
      if (Math.abs(next.x - self.x) + Math.abs(next.y - self.y) !== 1) {
        this.path = []
        this.renderer.path = []
        return
      }
    }
    if (!dir) return
    const [dx, dy] = STEP[dir]
    const tx = self.x + dx
    const ty = self.y + dy
    this.lastStep = now
    if (!this.store.walkable(tx, ty)) {
      // Turn to face the wall without asking the server for a step it would refuse.
      this.store.place('self', self.x, self.y, dir, now)
      this.path = []
      this.renderer.path = []
      return
    }
    this.store.self = { ...self, x: tx, y: ty, facing: dir }
    this.store.place('self', tx, ty, dir, now)
    if (this.path.length > 0) {
      this.path.shift()
      this.renderer.path = this.path
      if (this.path.length === 0) setTimeout(() => this.arrive(this.intent), cfg.moveCooldownMs)
    }
    this.inFlight++
    this.client
      .request('world.move', { dir })
      .then(
        (r) => {
          const s = this.store.self
          if (s && (r.map !== s.map || this.inFlight === 1) && (r.x !== s.x || r.y !== s.y)) {
            this.store.self = { ...s, x: r.x, y: r.y, facing: r.facing }
            this.store.place('self', r.x, r.y, r.facing, performance.now())
          }
        },
        (err) => this.resync(err),
      )
      .finally(() => {
        this.inFlight--
        this.store.changed()
      })
  }

  private resync(err: unknown): void {
    const code = (err as { code?: string }).code
    if (code !== 'world.move_cooldown') this.notify(describeError(err), 'error')
    this.path = []
    this.renderer.path = []
    this.client.request('world.state', {}).then(
      (s) => {
        this.store.self = s
        this.store.place('self', s.x, s.y, s.facing, performance.now())
        this.store.changed()
      },
      () => undefined,
    )
  }

  private chase = 0

  /** Where a target stands now (NPCs wander while we walk). */
  private targetTile(intent: Intent): { x: number; y: number; w: number; h: number } | null {
    if (intent.kind === 'attack' && intent.targetKind === 'npc') {
      const n = this.store.npcs.get(intent.id)
      return n && n.mode !== 'dead' ? { x: n.x, y: n.y, w: n.width, h: n.height } : null
    }
    if (intent.kind === 'attack') {
      const p = this.store.players.get(intent.id)
      return p && !p.dead ? { x: p.x, y: p.y, w: 1, h: 1 } : null
    }
    if (intent.kind === 'talk') {
      const n = this.store.npcs.get(intent.npc.id)
      return n ? { x: n.x, y: n.y, w: n.width, h: n.height } : null
    }
    return null
  }

  private arrive(intent: Intent): void {
    this.intent = { kind: 'walk' }
    const self = this.store.self
    const target = this.targetTile(intent)
    if (self && target && intent.kind !== 'pickup') {
      if (reach(self, target) !== 1 && this.chase++ < 6) {
        this.goTo(target.x, target.y, intent, true)
        return
      }
    }
    if (intent.kind === 'attack')
      this.client
        .request('world.attack', { targetKind: intent.targetKind, targetId: intent.id })
        .catch((e) => {
          // It stepped away while the request travelled: follow it a few more times before giving up.
          const t = this.targetTile(intent)
          if ((e as { code?: string }).code === 'world.combat_out_of_range' && t && this.chase++ < 6)
            this.goTo(t.x, t.y, intent, true)
          else this.notify(describeError(e), 'error')
        })
    else if (intent.kind === 'pickup')
      this.client.request('world.pickup', { groundItemId: intent.id }).then(
        (r) => r.remaining > 0 && this.notify('Your pack is full; some of it stays on the ground.', 'info'),
        (e) => this.notify(describeError(e), 'error'),
      )
    else if (intent.kind === 'talk') this.notify(`${intent.npc.name}: “${greeting(intent.npc)}”`, 'info')
  }

  /** Asks for missing chunks around and ahead of us (the server pushes 3×3 only when we cross a chunk). */
  private ensureChunks(now: number): void {
    const self = this.store.self!
    const size = this.store.config!.chunkSize
    const ccx = Math.floor(self.x / size)
    const ccy = Math.floor(self.y / size)
    this.store.dropFarChunks(ccx, ccy, 2)
    if (now - this.lastChunkAsk < 400) return
    const [fx, fy] = STEP[self.facing]
    const want: [number, number][] = []
    for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) want.push([ccx + dx, ccy + dy])
    for (let d = -1; d <= 1; d++) want.push([ccx + fx * 2 + (fy ? d : 0), ccy + fy * 2 + (fx ? d : 0)])
    const map = this.store.map!
    const inside = ([cx, cy]: [number, number]) =>
      (cx + 1) * size > map.originX &&
      (cy + 1) * size > map.originY &&
      cx * size < map.originX + map.width &&
      cy * size < map.originY + map.height
    const missing = want.filter(
      (c) =>
        inside(c) &&
        !this.store.chunks.has(`${c[0]},${c[1]}`) &&
        !this.asked.has(`${map.id}:${c[0]},${c[1]}`),
    )
    if (missing.length === 0) return
    this.lastChunkAsk = now
    const [cx, cy] = missing[0]!
    for (const [x, y] of missing) this.asked.add(`${map.id}:${x},${y}`)
    this.client
      .request('world.chunks', { x: cx * size + size / 2, y: cy * size + size / 2, radius: 1, map: map.id })
      .then(
        (r) => {
          this.store.addChunks(r.map, r.chunks)
          for (const [x, y] of missing) this.asked.delete(`${map.id}:${x},${y}`)
        },
        () => setTimeout(() => this.asked.clear(), 2000),
      )
  }
}

/** Chebyshev distance from a tile to the nearest tile of a footprint (0: on it). */
function reach(p: { x: number; y: number }, r: { x: number; y: number; w: number; h: number }): number {
  const dx = Math.max(0, r.x - p.x, p.x - (r.x + r.w - 1))
  const dy = Math.max(0, r.y - p.y, p.y - (r.y + r.h - 1))
  return Math.max(dx, dy)
}

function greeting(npc: WorldNpcView): string {
  if (npc.kind === 'merchant') return 'Fine wares, fair prices! Come back when my stall is open.'
  if (npc.kind === 'quest_giver')
    return 'Rats in the cellar again… and goblins in the woods. Brave folk wanted.'
  if (npc.kind === 'village_guard') return 'Keep the peace in Millbrook, traveller.'
  return '…'
}
