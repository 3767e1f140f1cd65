import type { FogRect, SceneAction, SceneToken, SceneView } from '@tavern/protocol'
import { type Rejection, reject } from '@tavern/server'

export type SceneState = SceneView

export const MAX_TOKENS = 500
export const MAX_FOG = 200

/** A 20×20 grid of 50-pixel cells, no map image, no tokens, no fog. */
export function emptyScene(): SceneState {
  return { mapUrl: null, grid: { w: 20, h: 20, cell: 50 }, tokens: [], fog: [] }
}

/** Who is acting, as far as the scene cares. */
export interface Actor {
  userId: string
  gm: boolean
}

/** Whether a cell lies under a fog rectangle. */
export function underFog(fog: readonly FogRect[], x: number, y: number): boolean {
  return fog.some((r) => x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h)
}

/** Whether a viewer may see a token: GMs see all; owners their own; others what is neither hidden nor fogged. */
export function tokenVisible(scene: SceneState, token: SceneToken, viewer: Actor): boolean {
  if (viewer.gm || (token.owner !== null && token.owner === viewer.userId)) return true
  return !token.hidden && !underFog(scene.fog, token.x, token.y)
}

/** Applies a GM scene action. */
export function applyScene(
  scene: SceneState,
  action: SceneAction,
  newId: () => string,
): SceneState | Rejection {
  switch (action.type) {
    case 'set_map': {
      const { w, h } = action.grid
      // Tokens of a larger previous grid are pulled onto the new one rather than lost.
      const tokens = scene.tokens.map((t) => ({ ...t, x: Math.min(t.x, w - 1), y: Math.min(t.y, h - 1) }))
      return { ...scene, mapUrl: action.url, grid: { ...action.grid }, tokens }
    }
    case 'add_token': {
      if (scene.tokens.length >= MAX_TOKENS) return reject('table.scene_full')
      if (!inBounds(scene, action.x, action.y)) return reject('table.scene_out_of_bounds')
      const token: SceneToken = {
        id: newId(),
        name: action.name,
        owner: action.owner,
        x: action.x,
        y: action.y,
        hidden: action.hidden,
        image: action.image,
      }
      return { ...scene, tokens: [...scene.tokens, token] }
    }
    case 'remove_token': {
      if (!scene.tokens.some((t) => t.id === action.id)) return reject('table.token_not_found')
      return { ...scene, tokens: scene.tokens.filter((t) => t.id !== action.id) }
    }
    case 'hide_token': {
      if (!scene.tokens.some((t) => t.id === action.id)) return reject('table.token_not_found')
      return {
        ...scene,
        tokens: scene.tokens.map((t) => (t.id === action.id ? { ...t, hidden: action.hidden } : t)),
      }
    }
    case 'fog_add': {
      if (scene.fog.length >= MAX_FOG) return reject('table.scene_full')
      if (!inBounds(scene, action.x, action.y)) return reject('table.scene_out_of_bounds')
      const rect = { id: newId(), x: action.x, y: action.y, w: action.w, h: action.h }
      return { ...scene, fog: [...scene.fog, rect] }
    }
    case 'fog_remove': {
      if (!scene.fog.some((r) => r.id === action.id)) return reject('table.fog_not_found')
      return { ...scene, fog: scene.fog.filter((r) => r.id !== action.id) }
    }
    case 'fog_clear':
      return { ...scene, fog: [] }
  }
}

export interface Move {
  scene: SceneState
  before: SceneToken
  after: SceneToken
}

/** Moves a token: GMs move any, players only their own, always within the grid. */
export function moveToken(
  scene: SceneState,
  tokenId: string,
  x: number,
  y: number,
  actor: Actor,
): Move | Rejection {
  const before = scene.tokens.find((t) => t.id === tokenId)
  // A token the actor cannot see does not exist for them: the answer must not reveal it.
  if (!before || !tokenVisible(scene, before, actor)) return reject('table.token_not_found')
  if (!actor.gm && before.owner !== actor.userId) return reject('table.not_token_owner')
  if (!inBounds(scene, x, y)) return reject('table.scene_out_of_bounds')
  const after = { ...before, x, y }
  return {
    scene: { ...scene, tokens: scene.tokens.map((t) => (t.id === tokenId ? after : t)) },
    before,
    after,
  }
}

function inBounds(scene: SceneState, x: number, y: number): boolean {
  return x >= 0 && y >= 0 && x < scene.grid.w && y < scene.grid.h
}
