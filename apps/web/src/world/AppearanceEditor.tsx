import type { TavernClient } from '@tavern/client'
import type { WorldAppearance } from '@tavern/protocol'
import { useEffect, useRef, useState } from 'react'
import { describeError } from '../errors.ts'
import type { Assets } from './assets.ts'
import { recoloured } from './recolour.ts'
import type { WorldStore } from './store.ts'

const HAIR = ['#2b1b10', '#5a3a1e', '#a0522d', '#d8b26a', '#e8e0d0', '#1c1c24', '#8b2d1a']
const CLOTH = ['#3f6fb0', '#a8322d', '#3d7a3a', '#6a3f8f', '#c9a227', '#5b4636', '#2f2f38', '#d9d2c0']
const EYES = ['#3b2a1a', '#2f5d8a', '#3d6b35', '#5e5e5e']

const STYLE_LABELS: Record<string, string> = {
  skin: 'Skin',
  head: 'Head',
  hairStyle: 'Hair style',
  facialHair: 'Beard',
  shirtStyle: 'Shirt',
  pantsStyle: 'Trousers',
  shoesStyle: 'Shoes',
}

function Stepper(props: { label: string; count: number; value: number; onChange: (v: number) => void }) {
  const step = (d: number) => props.onChange((props.value + d + props.count) % props.count)
  return (
    <div className="swatch-row">
      <span className="swatch-label">{props.label}</span>
      <button type="button" className="small" onClick={() => step(-1)} aria-label={`Previous ${props.label}`}>
        ‹
      </button>
      <span className="stepper-value">
        {props.value + 1} / {props.count}
      </span>
      <button type="button" className="small" onClick={() => step(1)} aria-label={`Next ${props.label}`}>
        ›
      </button>
    </div>
  )
}

type Props = { client: TavernClient; store: WorldStore; assets: Assets; onDone: () => void }

function Swatches(props: { label: string; colours: string[]; value: string; onChange: (c: string) => void }) {
  return (
    <div className="swatch-row">
      <span className="swatch-label">{props.label}</span>
      {props.colours.map((c) => (
        <button
          key={c}
          type="button"
          className={`swatch ${props.value.toLowerCase() === c ? 'on' : ''}`}
          style={{ background: c }}
          onClick={() => props.onChange(c)}
          aria-label={`${props.label} ${c}`}
        />
      ))}
    </div>
  )
}

/** Pick how your character looks (shown on first entry; later from Options). */
export function AppearanceEditor({ client, store, assets, onDone }: Props) {
  const [a, setA] = useState<WorldAppearance>(store.self!.appearance)
  const [facing, setFacing] = useState<'down' | 'left' | 'up' | 'right'>('down')
  const [error, setError] = useState<string | null>(null)
  const bodies =
    assets.appearance?.bodies.filter((b) => assets.characters.sprites[b]) ??
    Object.keys(assets.characters.sprites)
  const preview = useRef<HTMLCanvasElement>(null)

  useEffect(() => {
    const g = preview.current!.getContext('2d')!
    g.imageSmoothingEnabled = false
    g.clearRect(0, 0, 96, 96)
    const def = assets.characters.sprites[a.body] ?? assets.characters.sprites[bodies[0]!]!
    const [sx, sy] = def.frames[facing]![0]!
    g.fillStyle = 'rgba(0,0,0,0.3)'
    g.beginPath()
    g.ellipse(48, 88, 26, 6, 0, 0, Math.PI * 2)
    g.fill()
    g.drawImage(recoloured(assets.characters.image, a), sx, sy, def.frameWidth, def.frameHeight, 0, 0, 96, 96)
  }, [a, facing, assets, bodies])

  const set = <K extends keyof WorldAppearance>(k: K, v: WorldAppearance[K]) =>
    setA((x) => ({ ...x, [k]: v }))
  const save = async () => {
    try {
      const r = await client.request('world.appearance', { appearance: a })
      if (store.self) store.self = { ...store.self, appearance: r.appearance }
      store.changed()
      onDone()
    } catch (e) {
      setError(describeError(e))
    }
  }
  const turn = ['down', 'left', 'up', 'right'] as const

  return (
    <div className="overlay">
      <div className="panel appearance" role="dialog" aria-label="Appearance">
        <header>
          <span>Who are you, traveller?</span>
        </header>
        <div className="appearance-body">
          <div className="preview">
            <canvas ref={preview} width={96} height={96} />
            <button
              type="button"
              className="small"
              onClick={() => setFacing(turn[(turn.indexOf(facing) + 1) % 4]!)}
            >
              ↻ Turn
            </button>
          </div>
          <div className="col grow">
            <div className="swatch-row">
              <span className="swatch-label">Body</span>
              {bodies.map((b, i) => (
                <button
                  key={b}
                  type="button"
                  className={`small ${a.body === b ? 'primary' : ''}`}
                  onClick={() => set('body', b)}
                >
                  {i + 1}
                </button>
              ))}
            </div>
            {Object.entries(assets.appearance?.styles ?? {}).map(([field, count]) => (
              <Stepper
                key={field}
                label={STYLE_LABELS[field] ?? field}
                count={count}
                value={(a as unknown as Record<string, number>)[field] ?? 0}
                onChange={(v) => setA((x) => ({ ...x, [field]: v }))}
              />
            ))}
            <Swatches
              label="Hair"
              colours={HAIR}
              value={a.hairColour}
              onChange={(c) => set('hairColour', c)}
            />
            <Swatches label="Eyes" colours={EYES} value={a.eyes} onChange={(c) => set('eyes', c)} />
            <Swatches
              label="Shirt"
              colours={CLOTH}
              value={a.shirtColour}
              onChange={(c) => set('shirtColour', c)}
            />
            <Swatches
              label="Trousers"
              colours={CLOTH}
              value={a.pantsColour}
              onChange={(c) => set('pantsColour', c)}
            />
            <Swatches
              label="Shoes"
              colours={HAIR}
              value={a.shoesColour}
              onChange={(c) => set('shoesColour', c)}
            />
          </div>
        </div>
        {error && <div className="error">{error}</div>}
        <div className="row appearance-foot">
          <button type="button" className="ghost" onClick={onDone}>
            Later
          </button>
          <div className="grow" />
          <button type="button" className="primary" onClick={save}>
            Step into the world
          </button>
        </div>
      </div>
    </div>
  )
}
