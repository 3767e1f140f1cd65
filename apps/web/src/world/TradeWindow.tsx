import type { TavernClient } from '@tavern/client'
import type { WorldItemStack } from '@tavern/protocol'
import { describeError } from '../errors.ts'
import type { Assets } from './assets.ts'
import type { WorldStore } from './store.ts'

type Props = {
  store: WorldStore
  assets: Assets
  client: TavernClient
  notify: (t: string, tone?: 'error' | 'info') => void
}

function Offer(props: { items: WorldItemStack[]; assets: Assets; onClick?: (i: number) => void }) {
  return (
    <div className="trade-offer">
      {props.items.length === 0 && <span className="muted small-text">Nothing yet</span>}
      {props.items.map((s, i) => (
        <button
          type="button"
          key={i}
          className="slot full"
          onClick={() => props.onClick?.(i)}
          title={props.assets.items.get(s.item)?.name ?? s.item}
          disabled={!props.onClick}
        >
          <span className="icon" style={props.assets.iconStyle(s.item, 32)} />
          {s.quantity > 1 && <span className="qty">{s.quantity}</span>}
        </button>
      ))}
    </div>
  )
}

/** The open trade: both offers, acceptances; click your pack to offer, your offer to take it back. */
export function TradeWindow({ store, assets, client, notify }: Props) {
  const t = store.trade!
  const fail = (e: unknown) => notify(describeError(e), 'error')
  return (
    <div className="trade panel" data-testid="trade">
      <header>
        <span>Trading with {t.with.username}</span>
        <button
          type="button"
          className="ghost small"
          onClick={() => client.request('world.trade.cancel', {}).catch(fail)}
        >
          ✕
        </button>
      </header>
      <div className="trade-cols">
        <div>
          <h4>You offer {t.myAccepted && <span className="ok">✓</span>}</h4>
          <Offer
            items={t.mine}
            assets={assets}
            onClick={(index) => client.request('world.trade.withdraw', { index }).catch(fail)}
          />
        </div>
        <div>
          <h4>
            {t.with.username} offers {t.theirAccepted && <span className="ok">✓</span>}
          </h4>
          <Offer items={t.theirs} assets={assets} />
        </div>
      </div>
      <div className="row trade-foot">
        <span className="muted small-text grow">Click items in your pack to offer them.</span>
        <button
          type="button"
          className="primary small"
          disabled={t.myAccepted}
          onClick={() => client.request('world.trade.accept', { tradeId: t.tradeId }).catch(fail)}
        >
          Accept
        </button>
      </div>
    </div>
  )
}
