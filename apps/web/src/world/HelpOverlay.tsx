type Row = { keys?: string[]; mouse?: string; what: string }

const ROWS: Row[] = [
  { keys: ['↑', '↓', '←', '→'], what: 'Walk (or W A S D)' },
  { mouse: 'Click the ground', what: 'Walk there' },
  { mouse: 'Click a monster', what: 'Walk up and attack' },
  { mouse: 'Click an item on the ground', what: 'Walk there and pick it up' },
  { mouse: 'Click a villager', what: 'Talk' },
  { mouse: 'Click or right-click a player', what: 'Trade, message or attack' },
  { mouse: 'Drag in your pack', what: 'Move items; drop them on the map to drop them' },
  { keys: ['Enter'], what: 'Chat · /w name text whispers' },
  { keys: ['?'], what: 'This help' },
  { keys: ['Esc'], what: 'Close menus and this help' },
]

/** The keyboard and mouse shortcuts. */
export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className="overlay">
      <div className="panel help" role="dialog" aria-label="Shortcuts">
        <header>
          <span>How to play</span>
          <button type="button" className="ghost small" onClick={onClose} aria-label="Close">
            ✕
          </button>
        </header>
        <table className="keys">
          <tbody>
            {ROWS.map((r) => (
              <tr key={r.what}>
                <td>
                  {r.keys?.map((k) => (
                    <kbd key={k}>{k}</kbd>
                  ))}
                  {r.mouse && <span className="mouse">{r.mouse}</span>}
                </td>
                <td>{r.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
