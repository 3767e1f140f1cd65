/**
 * Flags of the Node.js process that runs Tavern: `npm start` passes them (package.json), and the benchmarks and
 * process tests start servers with them too, so they measure what ships. A test checks that the two agree.
 *
 * - `--max-semi-space-size=64`: a young generation of 64 MB semi-spaces instead of V8's 16 MB. A game server's
 *   garbage is mostly medium-lived (a request's objects wait for a hot-store round trip; frames wait in replay
 *   buffers): with small semi-spaces it survived two scavenges, was promoted, and fed major collections whose
 *   pauses set the tail latency. See docs/adr/0010-a-young-generation-for-medium-lived-garbage.md.
 */
export const NODE_FLAGS = ['--max-semi-space-size=64'] as const
