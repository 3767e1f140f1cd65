import { z } from 'zod'

/** Settings arrive as strings from the environment, hence the coercions. Shared by the core and module configs. */
export const intSetting = (min: number, max: number, def: number) =>
  z.coerce.number().int().min(min).max(max).default(def)

/** A comma-separated list from the environment, or an array from the config file. */
export const listSetting = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v,
    z.array(item),
  )
