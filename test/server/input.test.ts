/** Malformed and oversized client input: the dialect's error message, never a crash or a dead socket. */
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import type { Frame } from '../../machines/frames.ts';
import type { VoiceServer } from '../../server/src/index.ts';
import { bytesToBase64 } from '../../src/dialects/codec.ts';
import { messageType } from '../../src/dialects/messageType.ts';
import { status } from '../../src/dialects/status.ts';
import { tutor } from '../../src/dialects/tutor.ts';
import { typed } from '../../src/dialects/typed.ts';
import type { Dialect } from '../../src/dialects/types.ts';
import { waitFor } from '../helpers/waitFor.ts';
import { type RawClient, rawClient, speechClip, startQuickServer } from './support.ts';

let server: VoiceServer;
let clients: RawClient[];

beforeEach(async () => {
  server = await startQuickServer();
  clients = [];
});
afterEach(async () => {
  for (const c of clients) c.close();
  await server.stop();
});

const CLIP = speechClip({ durationMs: 500, speech: [[100, 300]] });
const MiB = 1024 * 1024;

/** Connected, past the handshake (if the dialect has one). */
async function connect(dialect: Dialect): Promise<RawClient> {
  const client = await rawClient(server, dialect);
  clients.push(client);
  client.send(...dialect.encode({ type: 'init', threadId: 'thread-1' }));
  if (dialect.handshake) await client.next('server.ready');
  return client;
}

/** A whole turn, framed by the client dialect itself; resolves with the reply's `done`. */
async function turn(client: RawClient, dialect: Dialect) {
  const from = client.events().length;
  client.send(...dialect.encode({ type: 'audio', audio: CLIP, mimeType: 'audio/wav' }));
  if (dialect.transport === 'stream') client.send(...dialect.encode({ type: 'audio.end' }));
  return client.next('server.done', from);
}

const json = (value: unknown) => JSON.stringify(value);

const cases: [Dialect, [what: string, frame: Frame, message: RegExp][]][] = [
  [
    tutor,
    [
      ['not JSON', '{"action":', /^tutor: a frame that is not JSON/],
      ['an unknown action', json({ action: 'dance' }), /action/],
      ['a missing field', json({ action: 'audio' }), /audio\.data is missing/],
      [
        'invalid base64',
        json({ action: 'audio', data: '!!!!' }),
        /^Invalid audio format: .*not valid base64/,
      ],
      [
        'audio that is not WAV',
        json({ action: 'audio', data: bytesToBase64(new Uint8Array(64)) }),
        /must be a WAV file/,
      ],
      ['a binary frame', new Uint8Array([1, 2, 3]), /binary frame/],
    ],
  ],
  [
    messageType,
    [
      ['not JSON', 'stop_audio', /^messageType: a frame that is not JSON/],
      ['an unknown message type', json({ message_type: 'dance' }), /message_type/],
      [
        'invalid base64',
        json({ message_type: 'audio_chunk', audio: '@@', format: 'wav' }),
        /not valid base64/,
      ],
      ['the end of a turn with no audio', json({ message_type: 'audio_end' }), /no audio/],
    ],
  ],
  [
    status,
    [
      ['an empty binary frame', new Uint8Array(0), /must not be empty/],
      ['not JSON', 'end_of_audio', /^status: a frame that is not JSON/],
      ['an unknown message', json({ type: 'dance' }), /type/],
    ],
  ],
  [
    typed,
    [
      ['not JSON', '{', /^typed: a frame that is not JSON/],
      ['a heartbeat without its timestamp', json({ type: 'heartbeat' }), /timestamp is missing/],
      [
        'an audio_chunk with a mistyped field',
        json({ type: 'audio_chunk', data: 1, format: { codec: 'pcm' } }),
        /data/,
      ],
    ],
  ],
];

describe.each(cases)('malformed input, $name', (dialect, frames) => {
  test.each(frames)(
    '%s: answered with the dialect error; the conversation goes on',
    async (_, frame, message) => {
      const client = await connect(dialect);
      const from = client.events().length;
      client.send(frame);
      expect((await client.next('server.error', from)).message).toMatch(message);
      const done = await turn(client, dialect);
      expect(done.replyId).toBeDefined();
      expect(client.events().filter((e) => e.type === 'server.error')).toHaveLength(1);
      expect(server.events.filter((e) => e.type === 'refused')).toHaveLength(1);
    },
  );
});

describe('seed 004 ordering', () => {
  test('audio before init is refused as the seed says: "Session not initialized"', async () => {
    const client = await rawClient(server, tutor);
    clients.push(client);
    client.send(...tutor.encode({ type: 'audio', audio: CLIP, mimeType: 'audio/wav' }));
    expect((await client.next('server.error')).message).toMatch(/^Session not initialized/);
  });
});

describe('oversized messages (limit 1 MiB)', () => {
  test.each([tutor, status])(
    '$name: a 1.5 MiB frame is refused with an error, the connection stays usable',
    async (dialect) => {
      const client = await connect(dialect);
      const from = client.events().length;
      const big =
        dialect === tutor
          ? json({ action: 'audio', data: 'A'.repeat(1.5 * MiB) })
          : new Uint8Array(1.5 * MiB);
      client.send(big);
      expect((await client.next('server.error', from)).message).toMatch(/over the 1048576-byte limit/);
      await turn(client, dialect);
      expect(client.closed()).toBeNull();
    },
  );

  test('a frame far over the limit is cut off with 1009 before it is read whole; the server carries on', async () => {
    const client = await connect(tutor);
    client.send('x'.repeat(5 * MiB));
    await waitFor(() => client.closed() !== null, { what: 'the close' });
    expect(client.closed()).toEqual({ code: 1009 });
    const other = await connect(tutor);
    await turn(other, tutor);
  });
});

describe('audio as each dialect may send it', () => {
  /** 0.6 s of 16 kHz PCM, voiced from 0.1 to 0.4 s: the samples of a WAV clip, without its header. */
  const PCM = speechClip({ durationMs: 600, speech: [[100, 400]] }).subarray(44);

  test('messageType: live pcm_s16le frames, then audio_end', async () => {
    const client = await connect(messageType);
    for (let at = 0; at < PCM.length; at += 3200) {
      client.send(...messageType.encode({ type: 'audio.frame', audio: PCM.subarray(at, at + 3200) }));
    }
    client.send(...messageType.encode({ type: 'audio.end' }));
    expect((await client.next('server.transcript')).text).toBe('[0.6 s of audio, speech at 0.1–0.4 s]');
  });

  test('typed: the seed 002 JSON audio_chunk (base64 PCM, is_final on the last)', async () => {
    const client = await connect(typed);
    const chunks = [PCM.subarray(0, 9600), PCM.subarray(9600)];
    chunks.forEach((data, i) => {
      const format = { sample_rate: 16_000, channels: 1, bit_depth: 16, codec: 'pcm', duration_ms: 300 };
      const chunk = {
        type: 'audio_chunk',
        data: bytesToBase64(data),
        is_final: i === 1,
        chunk_index: i,
        format,
      };
      client.send(json({ ...chunk, timestamp: new Date().toISOString() }));
    });
    expect((await client.next('server.transcript')).text).toBe('[0.6 s of audio, speech at 0.1–0.4 s]');
  });

  test('status: WebM, which the embedded transcriber cannot decode, and says so', async () => {
    const client = await connect(status);
    client.send(new Uint8Array([0x1a, 0x45, 0xdf, 0xa3, ...new Array(2000).fill(7)]));
    client.send(...status.encode({ type: 'audio.end' }));
    expect((await client.next('server.transcript')).text).toBe(
      '[2 KB of webm audio, not decoded: webm is compressed, and only WAV and raw 16-bit PCM are decoded]',
    );
    await client.next('server.done');
  });

  test('a thread named in the URL (?thread_id=) carries on over connections of a dialect with no init', async () => {
    const replies: string[] = [];
    for (const _ of [1, 2]) {
      const client = await rawClient(server, messageType, `${messageType.path}?thread_id=kept`);
      clients.push(client);
      await turn(client, messageType);
      replies.push(
        client
          .events()
          .flatMap((e) => (e.type === 'server.token' ? [e.text] : []))
          .join(''),
      );
      client.close();
    }
    expect(replies[0]).toContain('I am the voxstate reference server');
    expect(replies[1]).toContain('This is turn 2 of our conversation.');
  });
});

describe('greetings and heartbeats', () => {
  test('status: the server speaks first, announcing its config (seed 001)', async () => {
    const client = await rawClient(server, status);
    clients.push(client);
    const ready = await client.next('server.ready');
    expect(ready).toMatchObject({ sampleRate: 16_000, maxMessageBytes: MiB });
    expect(ready.sessionId).toMatch(/^[0-9a-f-]{36}$/);
  });

  test.each([tutor, messageType, typed])(
    '$name: a ping is answered with the pong the client recognises',
    async (dialect) => {
      const client = await connect(dialect);
      const ping = dialect.heartbeat.ping?.();
      expect(ping).toBeDefined();
      client.send(ping as Frame);
      await waitFor(() => client.frames.some((f) => dialect.heartbeat.isPong?.(f)), { what: 'a pong' });
    },
  );

  test('typed: the connection takes one of the sub-protocols offered (seed 002)', async () => {
    const client = await rawClient(server, typed);
    clients.push(client);
    expect(client.ws.protocol).toBe('binary');
  });
});
