import type { Benchmark } from './benchmark.ts';
import { eventCostTable } from './conversation/eventCost.ts';

const about = `The composed conversation (\`createVoiceConversation\`: conversation → session → connection, bargeIn) against a bare XState parent-child pair in the same rounds. No network: the WebSocket is a stand-in the benchmark plays the server of, synchronously, so the figures are the actors' own cost. About 30 s.

- **Routing.** An event the conversation hands to a child that ignores it (\`speech.end\` to an idle bargeIn): the same shape as the pair, parent to child.
- **Interrupt.** A stop button while the agent is silent: bargeIn stops the session (which ignores it), reports \`bargeIn.interrupted\` to its owner, which emits it.
- **Streamed token.** A \`rag_token\` frame (seed 004) from the socket mid-reply: socket adapter → connection (guards for pong and server ping, re-arms the heartbeat) → session (decodes with the dialect, raises \`server.token\`, appends to the turn, re-arms the reply watchdog). A bare chain with the same hops, the session alone (the frame sent to it as the connection would) and the dialect's decode alone are measured beside it, to show where the time goes.`;

export default {
  name: 'conversation',
  title: 'Conversation: cost per event through the composed actors',
  about,
  async run(log) {
    return { tables: [eventCostTable(log)] };
  },
} satisfies Benchmark;
