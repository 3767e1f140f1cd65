import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { chatModule } from '@tavern/chat'
import { createKernel, type Kernel, type ModuleDefinition, type TavernConfig } from '@tavern/server'
import { tableModule } from '@tavern/table'
import { worldModule } from '@tavern/world/server'
import { webModule } from './web.ts'

// biome-ignore lint/suspicious/noExplicitAny: modules differ in config and API types
type AnyModule = ModuleDefinition<any, any>

/** Modules shipped with Tavern, enabled unless TAVERN_MODULES lists a subset. */
export const builtinModules: Readonly<Record<string, AnyModule>> = {
  chat: chatModule,
  table: tableModule,
  world: worldModule,
  web: webModule,
}

/** Resolves the enabled built-in modules and loads extra module files (each default-exports a module). */
export async function resolveModules(config: Readonly<TavernConfig>): Promise<AnyModule[]> {
  const names = config.modules.enabled ?? Object.keys(builtinModules)
  const modules: AnyModule[] = []
  for (const name of names) {
    if (name === 'accounts') continue
    const m = builtinModules[name]
    if (!m)
      throw new Error(
        `TAVERN_MODULES names ${name}, which is not a built-in module (${Object.keys(builtinModules).join(', ')})`,
      )
    modules.push(m)
  }
  for (const p of config.modules.paths) {
    const loaded = (await import(pathToFileURL(resolve(p)).href)) as { default?: AnyModule }
    if (!loaded.default?.name) throw new Error(`${p} must default-export a module made with defineModule`)
    modules.push(loaded.default)
  }
  return modules
}

/** Builds the Tavern process from its configuration. */
export async function buildServer(config: Readonly<TavernConfig>): Promise<Kernel> {
  return createKernel({ config, modules: await resolveModules(config) })
}
