import { DEFAULT_BACKOFF, DEFAULT_HEARTBEAT } from '../machines/connection.options.ts';
import type { Benchmark } from './benchmark.ts';
import { eventCostTable } from './connection/eventCost.ts';
import { halfOpenTable } from './connection/halfOpen.ts';
import { restartTables } from './connection/restart.ts';

const defaults = Object.entries(DEFAULT_BACKOFF)
  .map(([k, v]) => `${k} ${v}`)
  .join(', ');

const about = `The connection actor (\`createConnection\` with the \`ws\` WebSocket) against a real \`ws\` server on 127.0.0.1 in the same process. Clocks are \`performance.now()\` at the moment the actor emits the event named. About 2 minutes (1 min 46 s to 2 min 21 s on this 2-core machine, loaded by other work).

- **Server restart.** Default reconnect options (${defaults}), a fresh actor per trial so each trial starts at retry 1. The server cuts every TCP connection without a closing handshake (as a crashed process would), stops listening, and listens again on the same port after 0 ms or 1 s. Two clocks end at the \`open\` status: one starts when the old server dropped the sockets, one when the new server is listening. The delay the machine drew is the \`delayMs\` of its \`reconnecting\` status.
- **Half-open connection.** The server answers the first ping of a connection, then keeps the TCP connection and sends nothing. The clock starts at the last pong the actor received (its \`connection.rtt\`) and stops at its \`heartbeat.timeout\` error. The default heartbeat is interval ${DEFAULT_HEARTBEAT.intervalMs} + timeout ${DEFAULT_HEARTBEAT.timeoutMs} ms.
- **Cost per event.** Events sent straight to actors of \`connectionMachine\` in \`open\` on a socket adapter that does nothing, against a bare XState actor in the same rounds. Every message re-enters \`open.healthy\`, which re-arms the heartbeat timer; in \`open.unmonitored\` (no ping) it then leaves again at once through an eventless transition, hence the dearer row. Every send copies the record of frames written since the last pong (bounded by \`queue.maxMessages\`), so its cost grows with that record: the two send rows show both ends.`;

export default {
  name: 'connection',
  title: 'Connection: restart, half-open detection, cost per event',
  about,
  async run(log) {
    const tables = [...(await restartTables(log)), await halfOpenTable(log), eventCostTable(log)];
    return { tables };
  },
} satisfies Benchmark;
