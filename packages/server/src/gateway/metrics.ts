import { Counter, Gauge, type Registry } from 'prom-client'

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>

/** Prometheus series of the realtime gateway. */
export function createGatewayMetrics(registry: Registry) {
  const registers = [registry]
  // Events are counted in a plain map on the hot path and moved into the counter when scraped.
  const outCounts = new Map<string, number>()
  return {
    countOut(type: string): void {
      outCounts.set(type, (outCounts.get(type) ?? 0) + 1)
    },
    connections: new Gauge({ name: 'tavern_ws_connections', help: 'Open WebSocket connections', registers }),
    messagesIn: new Counter({
      name: 'tavern_ws_messages_in_total',
      help: 'Frames received, by type',
      labelNames: ['type'],
      registers,
    }),
    messagesOut: new Counter({
      name: 'tavern_ws_messages_out_total',
      help: 'Events delivered to sessions, by type',
      labelNames: ['type'],
      registers,
      collect() {
        for (const [type, n] of outCounts) this.inc({ type }, n)
        outCounts.clear()
      },
    }),
    bytesIn: new Counter({ name: 'tavern_ws_bytes_in_total', help: 'Bytes received', registers }),
    bytesOut: new Counter({ name: 'tavern_ws_bytes_out_total', help: 'Bytes sent', registers }),
    errors: new Counter({
      name: 'tavern_errors_total',
      help: 'Error replies, by code',
      labelNames: ['code'],
      registers,
    }),
    closes: new Counter({
      name: 'tavern_ws_closes_total',
      help: 'Sockets closed by the server, by close code',
      labelNames: ['code'],
      registers,
    }),
    resumes: new Counter({
      name: 'tavern_ws_resumes_total',
      help: 'Resume attempts, by result',
      labelNames: ['result'],
      registers,
    }),
  }
}
