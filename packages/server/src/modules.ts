import type { ModuleDefinition } from './module.ts'

// biome-ignore lint/suspicious/noExplicitAny: modules differ in config and API types
type AnyModule = ModuleDefinition<any, any>

/** Sorts modules so each comes after what it depends on; rejects duplicates, missing dependencies and cycles. */
export function orderModules(modules: readonly AnyModule[]): AnyModule[] {
  const byName = new Map<string, AnyModule>()
  for (const m of modules) {
    if (byName.has(m.name)) throw new Error(`module ${m.name} is listed twice`)
    byName.set(m.name, m)
  }
  const ordered: AnyModule[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (m: AnyModule, path: string[]) => {
    const s = state.get(m.name)
    if (s === 'done') return
    if (s === 'visiting') throw new Error(`module dependency cycle: ${[...path, m.name].join(' → ')}`)
    state.set(m.name, 'visiting')
    for (const dep of m.dependsOn ?? []) {
      const d = byName.get(dep)
      if (!d) throw new Error(`module ${m.name} depends on ${dep}, which is not enabled`)
      visit(d, [...path, m.name])
    }
    state.set(m.name, 'done')
    ordered.push(m)
  }
  for (const m of modules) visit(m, [])
  return ordered
}

/** Validates every module's settings against its schema; one Error lists every problem. */
export function validateModuleConfig(
  modules: readonly AnyModule[],
  settings: Readonly<Record<string, Record<string, unknown>>>,
): Map<string, unknown> {
  const out = new Map<string, unknown>()
  const problems: string[] = []
  const known = new Set(modules.map((m) => m.name))
  for (const name of Object.keys(settings)) {
    if (!known.has(name)) problems.push(`  modules.${name}: no such module is enabled`)
  }
  for (const m of modules) {
    if (!m.config) {
      out.set(m.name, Object.freeze({}))
      continue
    }
    const r = m.config.safeParse(settings[m.name] ?? {})
    if (r.success) out.set(m.name, Object.freeze(r.data))
    else
      for (const i of r.error.issues) problems.push(`  modules.${m.name}.${i.path.join('.')}: ${i.message}`)
  }
  if (problems.length) throw new Error(`Invalid module configuration:\n${problems.join('\n')}`)
  return out
}
