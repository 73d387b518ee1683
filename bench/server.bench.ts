import type { Benchmark } from './benchmark.ts';
import { capacityTable, LEVELS, SETTLE_MS, STEP_MS, THRESHOLD_MS } from './server/capacity.ts';
import { synthesisTables } from './server/synthesis.ts';

const about = `The reference voice server (\`server/\`, \`voxstate-server\`). About a minute and a half.

- **Synthesis per reply.** espeak-ng (the \`espeak-ng\` WebAssembly build) in this process, one instance reused for every run. Each clock wraps one synchronous \`speak\` call: text in, 16-bit PCM at 22050 Hz out. The texts are 40 different replies of the embedded responder (one to three sentences), spoken whole as the turn-based dialect needs them, and their first sentence alone, which is what a streaming dialect sends first. The cache row is a second request for a text already synthesized.
- **Concurrent conversations.** The server runs as its own process (\`voxstate-server --token-ms 0 --audio-speed 0 --cache-mb 0\`: no pacing hides its work, and every reply is synthesized, as with a language model whose replies never repeat); simulated users in this process speak seed 004's protocol over \`ws\`. Each sends a 2 s WAV clip, waits for the reply's \`done\` (the transcript, the streamed tokens and the whole reply as base64 WAV come before it), thinks for 2 to 4 s and speaks again. Users join in steps (${LEVELS.join(', ')}); a step lasts ${STEP_MS / 1000} s and its first ${SETTLE_MS / 1000} s are not counted. The clock runs from the clip being sent to \`done\` arriving. The server **holds** a level while the p95 of that clock stays within ${THRESHOLD_MS} ms with no failed turn; the ramp stops at the first level that does not. Both processes share the machine's cores, and the load average at the start is in the header.`;

export default {
  name: 'server',
  title: 'Reference server: synthesis time per reply, concurrent conversations',
  about,
  async run(log) {
    const synthesis = await synthesisTables(log);
    const capacity = await capacityTable(log);
    return {
      tables: [...synthesis, capacity.table],
      notes: [
        `On this machine the server held **${capacity.holds}** concurrent conversations with p95 reply time ≤ ${THRESHOLD_MS} ms.`,
        "Synthesis runs on the server's event loop: while it speaks one reply, no other frame is read. It is the main cost of a turn, so the capacity is roughly one core divided by the synthesis time of a reply and the rate at which users take turns.",
      ],
    };
  },
} satisfies Benchmark;
