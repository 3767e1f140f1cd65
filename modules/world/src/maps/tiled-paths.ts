import { realpath } from 'node:fs/promises'
import path from 'node:path'

/**
 * Resolves a path written inside a content file (a tileset source, an image) relative to that file, and refuses
 * anything that would leave the content root: absolute paths, URLs, `..` escapes and symlinks pointing out.
 * Returns the absolute path; throws a plain Error with the reason.
 */
export async function resolveInside(root: string, fromFile: string, ref: string): Promise<string> {
  if (typeof ref !== 'string' || ref.trim() === '') throw new Error('path is empty')
  if (ref.includes('\0')) throw new Error(`path "${printable(ref)}" contains a NUL byte`)
  // Tiled on Windows may save back-slashes; treat them as separators, never as file-name characters.
  const normal = ref.replace(/\\/g, '/')
  if (normal.startsWith('/') || /^[A-Za-z]:/.test(normal))
    throw new Error(`path "${printable(ref)}" is absolute`)
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(normal)) throw new Error(`path "${printable(ref)}" is a URL`)
  const absRoot = path.resolve(root)
  const resolved = path.resolve(path.dirname(fromFile), normal)
  if (!isInside(absRoot, resolved)) throw new Error(`path "${printable(ref)}" escapes the content root`)
  let real: string
  try {
    real = await realpath(resolved)
  } catch {
    throw new Error(`file "${printable(ref)}" does not exist`)
  }
  if (!isInside(await realpath(absRoot), real)) {
    throw new Error(`path "${printable(ref)}" leads outside the content root through a link`)
  }
  return resolved
}

/** The path of `abs` relative to the content root, with forward slashes (as used in asset URLs and errors). */
export function relativeToRoot(root: string, abs: string): string {
  return path.relative(path.resolve(root), abs).split(path.sep).join('/')
}

function isInside(root: string, candidate: string): boolean {
  const rel = path.relative(root, candidate)
  return rel !== '' && rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel)
}

function printable(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, '?').slice(0, 120)
}
