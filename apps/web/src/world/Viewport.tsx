import type { TavernClient } from '@tavern/client'
import { type DragEvent, type MouseEvent, type MutableRefObject, useEffect, useRef, useState } from 'react'
import { describeError } from '../errors.ts'
import type { Assets } from './assets.ts'
import { Controller, type Intent } from './controller.ts'
import { Renderer } from './renderer.ts'
import type { Facing, WorldStore } from './store.ts'

const KEYS: Record<string, Facing> = {
  ArrowUp: 'up',
  ArrowDown: 'down',
  ArrowLeft: 'left',
  ArrowRight: 'right',
  w: 'up',
  s: 'down',
  a: 'left',
  d: 'right',
  W: 'up',
  S: 'down',
  A: 'left',
  D: 'right',
}

interface Menu {
  x: number
  y: number
  title: string
  options: { label: string; run: () => void }[]
}

type Props = {
  store: WorldStore
  assets: Assets
  client: TavernClient
  notify: (text: string, tone?: 'error' | 'info') => void
  controllerRef: MutableRefObject<Controller | null>
}

/** The canvas: renders every frame and turns keys, clicks and drops into actions. */
export function Viewport({ store, assets, client, notify, controllerRef }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const renderer = useRef<Renderer | null>(null)
  const [menu, setMenu] = useState<Menu | null>(null)

  useEffect(() => {
    const el = canvas.current!
    const r = new Renderer(el, store, assets)
    const c = new Controller(client, store, r, notify)
    renderer.current = r
    controllerRef.current = c
    // Tests and debugging read the live state from the canvas element.
    ;(el as unknown as { tavern: unknown }).tavern = { store, renderer: r }
    r.resize()
    const ro = new ResizeObserver(() => r.resize())
    ro.observe(el)
    let raf = 0
    const loop = (now: number) => {
      c.tick(now)
      r.frame(now)
      raf = requestAnimationFrame(loop)
    }
    raf = requestAnimationFrame(loop)
    const down = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest('input, textarea, select')) return
      const dir = KEYS[e.key]
      if (!dir) return
      e.preventDefault()
      c.held.delete(dir)
      c.held.add(dir)
      if (!e.repeat) c.tapped = dir
    }
    const up = (e: KeyboardEvent) => {
      const dir = KEYS[e.key] ?? KEYS[e.key.toLowerCase()]
      if (dir) c.held.delete(dir)
    }
    const blur = () => c.held.clear()
    window.addEventListener('keydown', down)
    window.addEventListener('keyup', up)
    window.addEventListener('blur', blur)
    return () => {
      cancelAnimationFrame(raf)
      ro.disconnect()
      window.removeEventListener('keydown', down)
      window.removeEventListener('keyup', up)
      window.removeEventListener('blur', blur)
      controllerRef.current = null
    }
  }, [store, assets, client, notify, controllerRef])

  useEffect(() => {
    if (!menu) return
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !(e.target as Element).closest('.ctx-menu'))
        setMenu(null)
    }
    window.addEventListener('keydown', close)
    window.addEventListener('pointerdown', close)
    return () => {
      window.removeEventListener('keydown', close)
      window.removeEventListener('pointerdown', close)
    }
  }, [menu])

  const at = (e: MouseEvent) => {
    const rect = canvas.current!.getBoundingClientRect()
    return renderer.current!.tileAt(e.clientX - rect.left, e.clientY - rect.top)
  }

  /** Everything that can be done on a tile, the default first. */
  const optionsAt = (
    x: number,
    y: number,
  ): { title: string; options: { label: string; intent: Intent; tx: number; ty: number }[] } => {
    const opts: { label: string; intent: Intent; tx: number; ty: number }[] = []
    let title = 'Here'
    for (const n of store.npcs.values()) {
      if (n.mode === 'dead' || x < n.x || y < n.y || x >= n.x + n.width || y >= n.y + n.height) continue
      title = n.name
      if (n.attackable)
        opts.push({
          label: `Attack ${n.name}`,
          intent: { kind: 'attack', targetKind: 'npc', id: n.id },
          tx: n.x,
          ty: n.y,
        })
      else opts.push({ label: `Talk to ${n.name}`, intent: { kind: 'talk', npc: n }, tx: n.x, ty: n.y })
    }
    for (const it of store.items.values())
      if (it.x === x && it.y === y) {
        const name = assets.items.get(it.item)?.name ?? it.item.replaceAll('_', ' ')
        opts.push({
          label: `Pick up ${name}${it.quantity > 1 ? ` ×${it.quantity}` : ''}`,
          intent: { kind: 'pickup', id: it.id },
          tx: x,
          ty: y,
        })
      }
    opts.push({ label: 'Walk here', intent: { kind: 'walk' }, tx: x, ty: y })
    return { title, options: opts }
  }

  const playerAt = (x: number, y: number) =>
    [...store.players.values()].find((p) => p.x === x && p.y === y && !p.dead)

  const click = (e: MouseEvent) => {
    setMenu(null)
    const { x, y } = at(e)
    const other = playerAt(x, y)
    if (other) return openMenu(e)
    const first = optionsAt(x, y).options[0]!
    controllerRef.current?.goTo(first.tx, first.ty, first.intent)
  }

  const openMenu = (e: MouseEvent) => {
    e.preventDefault()
    const { x, y } = at(e)
    const rect = canvas.current!.getBoundingClientRect()
    const base = optionsAt(x, y)
    const options = base.options.map((o) => ({
      label: o.label,
      run: () => controllerRef.current?.goTo(o.tx, o.ty, o.intent),
    }))
    let title = base.title
    const other = playerAt(x, y)
    if (other) {
      title = other.name
      options.unshift(
        {
          label: `Trade with ${other.name}`,
          run: () => {
            client.request('world.trade.request', { userId: other.id }).then(
              (r) => {
                if (r.status === 'requested') notify(`You ask ${other.name} to trade.`)
              },
              (err) => notify(describeError(err), 'error'),
            )
          },
        },
        {
          label: `Message ${other.name}`,
          run: () => {
            window.dispatchEvent(new CustomEvent('tavern:dm', { detail: other.name }))
          },
        },
        {
          label: `Attack ${other.name}`,
          run: () =>
            controllerRef.current?.goTo(other.x, other.y, {
              kind: 'attack',
              targetKind: 'player',
              id: other.id,
            }),
        },
      )
    }
    setMenu({ x: e.clientX - rect.left, y: e.clientY - rect.top, title, options })
  }

  const [tip, setTip] = useState<{ x: number; y: number; text: string } | null>(null)
  /** What a tile holds, in words, for the hover tip. */
  const describe = (x: number, y: number): string | null => {
    const names: string[] = []
    for (const p of store.players.values()) if (p.x === x && p.y === y) names.push(p.name)
    for (const n of store.npcs.values())
      if (n.mode !== 'dead' && x >= n.x && y >= n.y && x < n.x + n.width && y < n.y + n.height)
        names.push(n.attackable ? `${n.name} (${n.hp}/${n.maxHp} HP)` : n.name)
    for (const it of store.items.values())
      if (it.x === x && it.y === y)
        names.push(
          `${assets.items.get(it.item)?.name ?? it.item}${it.quantity > 1 ? ` ×${it.quantity}` : ''}`,
        )
    return names.length ? names.join(' · ') : null
  }
  const move = (e: MouseEvent) => {
    if (!renderer.current) return
    const t = at(e)
    const prev = renderer.current.hover
    renderer.current.hover = t
    const rect = canvas.current!.getBoundingClientRect()
    if (prev && prev.x === t.x && prev.y === t.y && tip) {
      setTip({ ...tip, x: e.clientX - rect.left, y: e.clientY - rect.top })
      return
    }
    const text = describe(t.x, t.y)
    setTip(text ? { x: e.clientX - rect.left, y: e.clientY - rect.top, text } : null)
  }

  const drop = (e: DragEvent) => {
    const slot = e.dataTransfer.getData('text/x-tavern-slot')
    if (slot === '') return
    e.preventDefault()
    client
      .request('world.inventory.drop', { slot: Number(slot) })
      .catch((err) => notify(describeError(err), 'error'))
  }

  return (
    <div className="viewport">
      <canvas
        ref={canvas}
        className="world-canvas"
        data-testid="world-canvas"
        tabIndex={0}
        onClick={click}
        onContextMenu={openMenu}
        onMouseMove={move}
        onMouseLeave={() => {
          if (renderer.current) renderer.current.hover = null
          setTip(null)
        }}
        onDragOver={(e) => e.preventDefault()}
        onDrop={drop}
      />
      {tip && !menu && (
        <div className="hover-tip" style={{ left: tip.x + 14, top: tip.y + 10 }}>
          {tip.text}
        </div>
      )}
      {menu && (
        <div className="ctx-menu panel" style={{ left: menu.x, top: menu.y }}>
          <div className="ctx-title">{menu.title}</div>
          {menu.options.map((o) => (
            <button
              type="button"
              key={o.label}
              className="ghost"
              onClick={() => {
                setMenu(null)
                o.run()
              }}
            >
              {o.label}
            </button>
          ))}
        </div>
      )}
    </div>
  )
}
