/** Tavern's mark: a foaming mug (drawn, so it does not depend on an emoji font). */
export function Mug({ size = 22 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" className="mug">
      <path d="M6 9h16v17a3 3 0 0 1-3 3H9a3 3 0 0 1-3-3z" fill="#d9a441" stroke="#5a3a16" strokeWidth="1.5" />
      <path d="M22 12h3a3 3 0 0 1 3 3v5a3 3 0 0 1-3 3h-3" fill="none" stroke="#5a3a16" strokeWidth="2.5" />
      <path d="M10 13v12M14 13v12M18 13v12" stroke="#b7802a" strokeWidth="1.5" />
      <path
        d="M5 10c-1-3 2-6 5-5 1-2 5-3 7-1 2-1 6 0 6 3 1 1 1 3-1 3H6c-1 0-1 0-1 0z"
        fill="#fff7e6"
        stroke="#cdbb95"
        strokeWidth="1"
      />
    </svg>
  )
}
