import { Buffer } from 'node:buffer';
import { base64ToBytes, bytesToBase64 } from '../src/dialects/codec.ts';
import { messageType } from '../src/dialects/messageType.ts';
import { status } from '../src/dialects/status.ts';
import { tutor } from '../src/dialects/tutor.ts';
import { typed } from '../src/dialects/typed.ts';
import type { Dialect } from '../src/dialects/types.ts';
import type { Benchmark, Table } from './benchmark.ts';
import { num, ratio, SUMMARY_HEAD, summarize, summaryCells } from './stats.ts';

const TOKENS = 10_000;
const ROUNDS = 30;
const AUDIO_ROUNDS = 15;

/** Milliseconds per call of `work`, once per round after two warm-up rounds. */
function rounds(count: number, work: () => void): number[] {
  const times: number[] = [];
  for (let i = 0; i < count + 2; i++) {
    const started = performance.now();
    work();
    if (i >= 2) times.push(performance.now() - started);
  }
  return times;
}

/** One streamed token of ~4 characters as each dialect's server sends it. */
const TOKEN_FRAMES: [Dialect, (i: number) => string][] = [
  [tutor, (i) => JSON.stringify({ event: 'rag_token', token: ` w${i % 100}` })],
  [
    messageType,
    (i) => JSON.stringify({ message_type: 'response_token', text: ` w${i % 100}`, response_id: 'r1' }),
  ],
  [status, (i) => JSON.stringify({ status: 'token', text: ` w${i % 100}` })],
  [
    typed,
    (i) =>
      JSON.stringify({
        type: 'reply_token',
        data: { text: ` w${i % 100}` },
        timestamp: '2025-01-01T00:00:00Z',
      }),
  ],
];

function tokenTable(log: (line: string) => void): Table {
  const rows = TOKEN_FRAMES.map(([dialect, make]) => {
    const frames = Array.from({ length: TOKENS }, (_, i) => make(i));
    const decode = summarize(
      rounds(ROUNDS, () => frames.forEach((f) => dialect.decode(f))).map((ms) => (ms * 1000) / TOKENS),
    );
    const parse = summarize(
      rounds(ROUNDS, () => frames.forEach((f) => JSON.parse(f))).map((ms) => (ms * 1000) / TOKENS),
    );
    log(`${dialect.name}: ${num(decode.p50)} µs per token frame`);
    return [dialect.name, ...summaryCells(decode), num(parse.p50), ratio(decode.p50 / parse.p50)];
  });
  return {
    caption: `Decoding one token frame, µs (${ROUNDS} rounds of ${TOKENS.toLocaleString('en')} frames)`,
    head: ['dialect', ...SUMMARY_HEAD, 'JSON.parse p50', 'decode / JSON.parse'],
    rows,
  };
}

function audioTable(log: (line: string) => void): Table {
  const rows = [1, 8].map((mib) => {
    const bytes = new Uint8Array(mib * 1024 * 1024);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 2654435761) >>> 24;
    bytes.set([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45]);
    const text = bytesToBase64(bytes);
    const frame = JSON.stringify({ event: 'tts_complete', audio: text, format: 'wav' });
    const cells = [
      summarize(rounds(AUDIO_ROUNDS, () => bytesToBase64(bytes))),
      summarize(rounds(AUDIO_ROUNDS, () => Buffer.from(bytes.buffer).toString('base64'))),
      summarize(rounds(AUDIO_ROUNDS, () => base64ToBytes(text))),
      summarize(rounds(AUDIO_ROUNDS, () => Buffer.from(text, 'base64'))),
      summarize(rounds(AUDIO_ROUNDS, () => tutor.decode(frame))),
    ];
    const [encode, nodeEncode, decode, nodeDecode, ttsComplete] = cells.map((s) => s.p50) as number[];
    log(`${mib} MiB: encode ${num(encode as number)} ms, decode ${num(decode as number)} ms`);
    const mbps = (ms: number) => num(mib / (ms / 1000));
    return [
      `${mib} MiB`,
      `${num(encode as number)} (${mbps(encode as number)} MiB/s)`,
      ratio((encode as number) / (nodeEncode as number)),
      `${num(decode as number)} (${mbps(decode as number)} MiB/s)`,
      ratio((decode as number) / (nodeDecode as number)),
      num(ttsComplete as number),
    ];
  });
  return {
    caption: `Base64 and a whole tts_complete, p50 ms over ${AUDIO_ROUNDS} rounds`,
    head: ['audio', 'encode', 'vs Buffer', 'decode', 'vs Buffer', 'tutor decode of tts_complete'],
    rows,
  };
}

const about = `The dialects' \`decode\` and the shared base64 codec, in-process, no socket. About 15 s.

- **Token frames.** The streamed-token message of each dialect (${TOKENS.toLocaleString('en')} distinct frames per round): full decode (JSON.parse, schema validation, event) per frame, against \`JSON.parse\` alone on the same frames, the floor any JSON protocol pays.
- **Audio.** \`bytesToBase64\` / \`base64ToBytes\` (pure JS, no Buffer, so they run in browsers) against Node's native \`Buffer\`, and the tutor dialect decoding a whole \`tts_complete\` frame (JSON.parse of the frame, validation, base64 decode, WAV signature check).`;

export default {
  name: 'dialects',
  title: 'Dialects: decode cost per frame, base64 throughput',
  about,
  async run(log) {
    return { tables: [tokenTable(log), audioTable(log)] };
  },
} satisfies Benchmark;
