const KEYS: [string, string][] = [
  ['↑ ↓ ← → / W A S D', 'Walk'],
  ['Click the ground', 'Walk there'],
  ['Click a monster', 'Walk up and attack'],
  ['Click an item on the ground', 'Walk there and pick it up'],
  ['Click a villager', 'Talk'],
  ['Click a player / right-click', 'Trade, message or attack'],
  ['Drag in your pack', 'Move items; drop them on the map to drop them'],
  ['Enter', 'Chat · /w name text whispers'],
  ['?', 'This help'],
  ['Esc', 'Close'],
]

/** The keyboard and mouse shortcuts. */
export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className="overlay">
      <div className="panel" role="dialog" aria-label="Shortcuts">
        <header>
          <span>How to play</span>
          <button type="button" className="ghost small" onClick={onClose}>
            ✕
          </button>
        </header>
        <table className="keys">
          <tbody>
            {KEYS.map(([k, what]) => (
              <tr key={k}>
                <td>
                  <kbd>{k}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
