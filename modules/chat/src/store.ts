import type { ChatMessage } from '@tavern/protocol'
import type { JournalHandle, Sql, StateLayer } from '@tavern/server'

export const chatMigrations = [
  {
    id: '0001_messages',
    sql: `
      CREATE TABLE chat_messages (
        id text PRIMARY KEY,
        channel text NOT NULL,
        user_id text NOT NULL,
        username text NOT NULL,
        role text NOT NULL,
        text text NOT NULL,
        at int8 NOT NULL
      );
      CREATE INDEX chat_messages_channel_id ON chat_messages (channel, id DESC);
    `,
  },
]

type Row = {
  id: string
  channel: string
  user_id: string
  username: string
  role: string
  text: string
  at: number
}

/** Chat history: acknowledged once in the hot store, bulk-inserted by the state layer's journal. */
export class ChatStore {
  private readonly journal: JournalHandle<ChatMessage>

  constructor(
    state: StateLayer,
    private readonly sql: Sql,
  ) {
    this.journal = state.journal<ChatMessage>({
      kind: 'chat.messages',
      table: {
        name: 'chat_messages',
        columns: {
          id: { field: 'id', type: 'text' },
          channel: { field: 'channel', type: 'text' },
          user_id: { field: 'from.userId', type: 'text' },
          username: { field: 'from.username', type: 'text' },
          role: { field: 'from.role', type: 'text' },
          text: { field: 'text', type: 'text' },
          at: { field: 'at', type: 'int8' },
        },
      },
    })
  }

  append(message: ChatMessage): Promise<void> {
    return this.journal.append(message)
  }

  /** Newest first, ids below `before`; includes messages not flushed yet. */
  async page(channel: string, before: string | undefined, limit: number): Promise<ChatMessage[]> {
    const [rows, pending] = await Promise.all([
      this.sql.query<Row>(
        `SELECT * FROM chat_messages WHERE channel = $1 AND ($2::text IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
        [channel, before ?? null, limit],
      ),
      this.journal.pending(),
    ])
    const byId = new Map<string, ChatMessage>()
    for (const r of rows) {
      byId.set(r.id, {
        id: r.id,
        channel: r.channel,
        from: { userId: r.user_id, username: r.username, role: r.role as ChatMessage['from']['role'] },
        text: r.text,
        at: Number(r.at),
      })
    }
    for (const m of pending) if (m.channel === channel && (!before || m.id < before)) byId.set(m.id, m)
    return [...byId.values()].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, limit)
  }
}
