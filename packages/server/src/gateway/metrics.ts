import { Counter, Gauge, type Registry } from 'prom-client'

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>

/** A counter by label counted in a plain map on the hot path, moved into Prometheus when scraped. */
function lazyCounter(registry: Registry, name: string, help: string, label?: string) {
  const counts = new Map<string, number>()
  new Counter({
    name,
    help,
    labelNames: label ? [label] : [],
    registers: [registry],
    collect() {
      for (const [value, n] of counts) {
        if (label) this.inc({ [label]: value }, n)
        else this.inc(n)
      }
      counts.clear()
    },
  })
  return (value = '', by = 1): void => {
    counts.set(value, (counts.get(value) ?? 0) + by)
  }
}

/** Prometheus series of the realtime gateway. */
export function createGatewayMetrics(registry: Registry) {
  const registers = [registry]
  return {
    connections: new Gauge({ name: 'tavern_ws_connections', help: 'Open WebSocket connections', registers }),
    messagesIn: lazyCounter(registry, 'tavern_ws_messages_in_total', 'Frames received, by type', 'type'),
    messagesOut: lazyCounter(
      registry,
      'tavern_ws_messages_out_total',
      'Events delivered to sessions, by type',
      'type',
    ),
    bytesIn: lazyCounter(registry, 'tavern_ws_bytes_in_total', 'Bytes received'),
    bytesOut: lazyCounter(registry, 'tavern_ws_bytes_out_total', 'Bytes sent'),
    errors: lazyCounter(registry, 'tavern_errors_total', 'Error replies, by code', 'code'),
    closes: lazyCounter(
      registry,
      'tavern_ws_closes_total',
      'Sockets closed by the server, by close code',
      'code',
    ),
    resumes: lazyCounter(registry, 'tavern_ws_resumes_total', 'Resume attempts, by result', 'result'),
  }
}
