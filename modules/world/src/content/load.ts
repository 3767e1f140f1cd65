import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { z } from 'zod'
import {
  type ItemDef,
  iconManifestSchema,
  itemSchema,
  type NpcDef,
  npcSchema,
  type SkillDef,
  STACK_LIMITS,
  skillSchema,
  spriteManifestSchema,
} from './schemas.ts'

/** Validated game data, cross-checked: every reference names something that exists. */
export interface Content {
  readonly items: ReadonlyMap<string, ItemDef>
  readonly npcs: ReadonlyMap<string, NpcDef>
  readonly skills: ReadonlyMap<string, SkillDef>
}

/** Content that cannot be used, naming the file, the entry and what is wrong. */
export class ContentError extends Error {
  constructor(
    readonly file: string,
    readonly entry: string | undefined,
    readonly problem: string,
  ) {
    super(`${file}${entry ? `: ${entry}` : ''}: ${problem}`)
    this.name = 'ContentError'
  }
}

/** The raw JSON of each content file; the art manifests are optional (checked when given). */
export interface ContentSources {
  readonly items: unknown
  readonly npcs: unknown
  readonly skills: unknown
  readonly itemIcons?: unknown
  readonly npcSprites?: unknown
}

/** Skills the rules depend on by name. */
export const REQUIRED_SKILLS = ['attack', 'strength', 'defence', 'hitpoints'] as const

export const CONTENT_FILES = {
  items: 'items.json',
  npcs: 'npcs.json',
  skills: 'skills.json',
  itemIcons: 'icons/items.json',
  npcSprites: 'sprites/npcs.json',
} as const

/** Validates and cross-checks content already parsed from JSON. Throws {@link ContentError}. */
export function buildContent(src: ContentSources): Content {
  const skills = entries(CONTENT_FILES.skills, src.skills, skillSchema)
  const rawItems = entries(CONTENT_FILES.items, src.items, itemSchema)
  const rawNpcs = entries(CONTENT_FILES.npcs, src.npcs, npcSchema)
  for (const s of REQUIRED_SKILLS) {
    if (!skills.has(s))
      throw new ContentError(CONTENT_FILES.skills, undefined, `the skill "${s}" is required`)
  }
  const icons =
    src.itemIcons === undefined
      ? undefined
      : manifestKeys(CONTENT_FILES.itemIcons, src.itemIcons, iconManifestSchema, 'icons')
  const sprites =
    src.npcSprites === undefined
      ? undefined
      : manifestKeys(CONTENT_FILES.npcSprites, src.npcSprites, spriteManifestSchema, 'sprites')

  const items = new Map<string, ItemDef>()
  for (const [id, item] of rawItems) {
    const fail = (problem: string): never => {
      throw new ContentError(CONTENT_FILES.items, `item "${id}"`, problem)
    }
    for (const skill of Object.keys(item.requirements))
      if (!skills.has(skill)) fail(`requires unknown skill "${skill}"`)
    const icon = item.icon ?? id
    if (icons && !icons.has(icon)) fail(`icon "${icon}" is not in ${CONTENT_FILES.itemIcons}`)
    items.set(id, { ...item, icon, maxStack: STACK_LIMITS[item.category] })
  }
  const npcs = new Map<string, NpcDef>()
  for (const [id, npc] of rawNpcs) {
    const fail = (problem: string): never => {
      throw new ContentError(CONTENT_FILES.npcs, `npc "${id}"`, problem)
    }
    for (const [i, l] of npc.loot.entries()) {
      if (!items.has(l.item)) fail(`loot ${i + 1} names unknown item "${l.item}"`)
      if (l.max > items.get(l.item)!.maxStack)
        fail(`loot ${i + 1} drops up to ${l.max} "${l.item}", more than one stack`)
    }
    for (const [i, s] of (npc.shop ?? []).entries())
      if (!items.has(s.item)) fail(`shop entry ${i + 1} names unknown item "${s.item}"`)
    const sprite = npc.sprite ?? id
    if (sprites && !sprites.has(sprite)) fail(`sprite "${sprite}" is not in ${CONTENT_FILES.npcSprites}`)
    npcs.set(id, { ...npc, sprite })
  }
  return { items, npcs, skills }
}

/** Reads items.json, npcs.json, skills.json and the art manifests from the content folder and validates them. */
export async function loadContent(contentRoot: string): Promise<Content> {
  const read = async (file: string, optional: boolean): Promise<unknown> => {
    let text: string
    try {
      text = await readFile(path.join(contentRoot, file), 'utf8')
    } catch (err) {
      if (optional && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new ContentError(
        file,
        undefined,
        `cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      )
    }
    try {
      return JSON.parse(text)
    } catch (err) {
      throw new ContentError(file, undefined, `is not valid JSON (${(err as Error).message})`)
    }
  }
  return buildContent({
    items: await read(CONTENT_FILES.items, false),
    npcs: await read(CONTENT_FILES.npcs, false),
    skills: await read(CONTENT_FILES.skills, false),
    itemIcons: await read(CONTENT_FILES.itemIcons, true),
    npcSprites: await read(CONTENT_FILES.npcSprites, true),
  })
}

function entries<S extends z.ZodType<{ id: string }>>(
  file: string,
  value: unknown,
  schema: S,
): Map<string, z.infer<S>> {
  if (!Array.isArray(value)) throw new ContentError(file, undefined, 'must be a JSON array of entries')
  const out = new Map<string, z.infer<S>>()
  value.forEach((raw, i) => {
    const rawId =
      raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string'
        ? (raw as { id: string }).id
        : undefined
    const entry = rawId ? `entry ${i + 1} "${rawId}"` : `entry ${i + 1}`
    const parsed = schema.safeParse(raw)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''
      throw new ContentError(file, entry, `${where}${issue.message}`)
    }
    if (out.has(parsed.data.id)) throw new ContentError(file, entry, `duplicate id "${parsed.data.id}"`)
    out.set(parsed.data.id, parsed.data)
  })
  return out
}

function manifestKeys(
  file: string,
  value: unknown,
  schema: z.ZodType<Record<string, unknown>>,
  key: string,
): Set<string> {
  const parsed = schema.safeParse(value)
  if (!parsed.success)
    throw new ContentError(file, undefined, `is not a valid manifest (${parsed.error.issues[0]!.message})`)
  return new Set(Object.keys(parsed.data[key] as Record<string, unknown>))
}
