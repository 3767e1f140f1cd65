import type { TavernClient } from '@tavern/client'
import { type ResponsePayload, type WorldEquipmentSlot, worldEquipmentSlot } from '@tavern/protocol'
import { type DragEvent, useEffect, useState } from 'react'
import { describeError } from '../errors.ts'
import type { Assets } from './assets.ts'
import type { WorldStore } from './store.ts'

type Props = {
  store: WorldStore
  assets: Assets
  client: TavernClient
  notify: (t: string, tone?: 'error' | 'info') => void
  onAppearance: () => void
}

const EQUIPMENT: readonly WorldEquipmentSlot[] = worldEquipmentSlot.options
const TABS = ['Pack', 'Gear', 'Skills', 'Options'] as const

/** The right-hand panels: inventory, equipment, skills and options. */
export function SidePanels(props: Props) {
  const [tab, setTab] = useState<(typeof TABS)[number]>('Pack')
  return (
    <div className="panel side-tabs">
      <div className="tabsbar">
        {TABS.map((t) => (
          <button type="button" key={t} className={tab === t ? 'on' : ''} onClick={() => setTab(t)}>
            {t}
          </button>
        ))}
      </div>
      <div className="side-body">
        {tab === 'Pack' && <Inventory {...props} />}
        {tab === 'Gear' && <Equipment {...props} />}
        {tab === 'Skills' && <Skills {...props} />}
        {tab === 'Options' && <Options {...props} />}
      </div>
    </div>
  )
}

const nameOf = (assets: Assets, item: string) => assets.items.get(item)?.name ?? item.replaceAll('_', ' ')

function Inventory({ store, assets, client, notify }: Props) {
  const [selected, setSelected] = useState<number | null>(null)
  const inv = store.self?.inventory ?? []
  const fail = (e: unknown) => notify(describeError(e), 'error')
  const slots = Array.from({ length: 28 }, (_, i) => inv[i] ?? null)
  const sel = selected !== null ? slots[selected] : null
  const info = sel ? assets.items.get(sel.item) : undefined

  const dragStart = (i: number) => (e: DragEvent) => {
    e.dataTransfer.setData('text/x-tavern-slot', String(i))
    e.dataTransfer.effectAllowed = 'move'
  }
  const dropOn = (to: number) => (e: DragEvent) => {
    e.preventDefault()
    const from = Number(e.dataTransfer.getData('text/x-tavern-slot'))
    if (Number.isInteger(from) && from !== to)
      client.request('world.inventory.move', { from, to }).catch(fail)
  }
  const act = (i: number) => {
    if (store.trade) {
      client.request('world.trade.offer', { slot: i }).catch(fail)
      return
    }
    setSelected(selected === i ? null : i)
  }

  return (
    <div className="col">
      <div className="inv-grid" data-testid="inventory">
        {slots.map((s, i) => (
          <button
            type="button"
            key={i}
            className={`slot ${selected === i ? 'selected' : ''} ${s ? 'full' : ''}`}
            draggable={!!s}
            onDragStart={dragStart(i)}
            onDragOver={(e) => e.preventDefault()}
            onDrop={dropOn(i)}
            onClick={() => s && act(i)}
            title={s ? `${nameOf(assets, s.item)}${s.quantity > 1 ? ` ×${s.quantity}` : ''}` : 'Empty'}
            data-item={s?.item ?? ''}
          >
            {s && <span className="icon" style={assets.iconStyle(s.item, 32)} />}
            {s && s.quantity > 1 && (
              <span className="qty">
                {s.quantity > 9999 ? `${Math.floor(s.quantity / 1000)}k` : s.quantity}
              </span>
            )}
          </button>
        ))}
      </div>
      {sel && selected !== null && (
        <div className="item-actions">
          <div className="item-name">{nameOf(assets, sel.item)}</div>
          <div className="row wrap">
            {info?.equipmentSlot && (
              <button
                type="button"
                className="small"
                onClick={() =>
                  client.request('world.equip', { slot: selected }).then(() => setSelected(null), fail)
                }
              >
                Equip
              </button>
            )}
            {(info?.category === 'food' || info?.heals) && (
              <button
                type="button"
                className="small"
                onClick={() =>
                  client
                    .request('world.inventory.use', { slot: selected })
                    .then(() => setSelected(null), fail)
                }
              >
                Eat
              </button>
            )}
            <button
              type="button"
              className="small"
              onClick={() =>
                client.request('world.inventory.drop', { slot: selected }).then(() => setSelected(null), fail)
              }
            >
              Drop
            </button>
          </div>
        </div>
      )}
      <div className="row">
        <span className="muted small-text grow">Drag to move · drop on the map</span>
        <button
          type="button"
          className="small ghost"
          onClick={() => client.request('world.inventory.sort', { by: 'category' }).catch(fail)}
        >
          Sort
        </button>
      </div>
    </div>
  )
}

function Equipment({ store, assets, client, notify }: Props) {
  const eq: Partial<Record<WorldEquipmentSlot, { item: string; quantity: number } | null>> =
    store.self?.equipment ?? {}
  return (
    <div className="eq-grid" data-testid="equipment">
      {EQUIPMENT.map((slot) => {
        const s = eq[slot] ?? null
        return (
          <button
            type="button"
            key={slot}
            className={`slot eq-${slot} ${s ? 'full' : ''}`}
            title={s ? `${nameOf(assets, s.item)} — click to take off` : slot}
            onClick={() =>
              s && client.request('world.unequip', { slot }).catch((e) => notify(describeError(e), 'error'))
            }
          >
            {s ? (
              <span className="icon" style={assets.iconStyle(s.item, 32)} />
            ) : (
              <span className="slot-name">{slot}</span>
            )}
            {s && s.quantity > 1 && <span className="qty">{s.quantity}</span>}
          </button>
        )
      })}
    </div>
  )
}

/** Unscaled XP to reach a level (the world's curve; skills scale it by a constant multiplier). */
function rawXp(level: number): number {
  let total = 0
  for (let i = 1; i < level; i++) total += Math.floor((i + 300 * 2 ** (i / 7)) / 4)
  return total
}

/** How far through the current level a skill is, in percent (the multiplier cancels out in the ratio). */
export function levelProgress(level: number, xp: number, nextLevelXp: number | null): number {
  if (!nextLevelXp) return 100
  const start = (nextLevelXp * rawXp(level)) / Math.max(1, rawXp(level + 1))
  return Math.max(0, Math.min(100, (100 * (xp - start)) / Math.max(1, nextLevelXp - start)))
}

function Skills({ store, client }: Props) {
  const [stats, setStats] = useState<ResponsePayload<'world.stats'> | null>(null)
  const skills = store.self?.skills
  useEffect(() => {
    if (skills) client.request('world.stats', {}).then(setStats, () => undefined)
  }, [client, skills])
  const list = Object.entries(stats?.skills ?? skills ?? {})
  return (
    <div className="skills" data-testid="skills">
      {stats && (
        <div className="row small-text muted">
          <span className="grow">Total level {stats.totalLevel}</span>
          <span>Combat {stats.combatLevel}</span>
        </div>
      )}
      {list.map(([id, s]) => {
        const next = 'nextLevelXp' in s ? (s.nextLevelXp as number | null) : null
        const pct = levelProgress(s.level, s.xp, next)
        return (
          <div key={id} className="skill" title={`${Math.floor(s.xp)} xp${next ? ` / ${next}` : ''}`}>
            <span className="skill-name">{id}</span>
            <span className="skill-level">{s.level}</span>
            <span className="xpbar">
              <span style={{ width: `${pct}%` }} />
            </span>
          </div>
        )
      })}
    </div>
  )
}

function Options({ store, client, notify, onAppearance }: Props) {
  const auto = store.self?.autoRetaliate ?? true
  return (
    <div className="col">
      <button type="button" onClick={onAppearance}>
        Change appearance
      </button>
      <label className="row check">
        <input
          type="checkbox"
          checked={auto}
          onChange={(e) =>
            client.request('world.auto_retaliate', { on: e.target.checked }).then(
              (r) => {
                if (store.self) store.self = { ...store.self, autoRetaliate: r.autoRetaliate }
                store.changed()
              },
              (err) => notify(describeError(err), 'error'),
            )
          }
        />
        Fight back when attacked
      </label>
      {store.self?.target && (
        <button type="button" onClick={() => client.request('world.stop_attack', {}).catch(() => undefined)}>
          Stop attacking
        </button>
      )}
      {store.tradeRequests.map((r) => (
        <button
          type="button"
          key={r.userId}
          onClick={() =>
            client
              .request('world.trade.request', { userId: r.userId })
              .catch((e) => notify(describeError(e), 'error'))
          }
        >
          Trade with {r.username}
        </button>
      ))}
    </div>
  )
}
