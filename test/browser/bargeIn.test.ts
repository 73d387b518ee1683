import { afterEach, beforeAll, describe, expect, inject, test } from 'vitest';
import type { AnyActorRef } from 'xstate';
import type { SessionSnapshot } from '../../src/selectors.ts';
import { bargeInRig, type Rig, type RigOptions, rmsOf, speechOf } from './bargeInRig.ts';
import { until } from './helpers.ts';

type Speech = Awaited<ReturnType<typeof speechOf>>;
let agent: Speech;
let user: Speech;
let rig: Rig | undefined;
beforeAll(async () => {
  agent = await speechOf('speech.wav');
  user = await speechOf('other-voice.wav');
});
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const ECHO_DB = -15;
/** The user's voice scaled to the level at which the agent's echo reaches the microphone. */
const echoLevelGain = () => (rmsOf(agent.samples) * 10 ** (ECHO_DB / 20)) / rmsOf(user.samples);

async function start(options: RigOptions = {}) {
  rig = await bargeInRig({ echoDb: ECHO_DB, ...options });
  return rig;
}

/** The rendered output from frame `from` until `to` (ms on the audio clock), as its largest |sample|. */
async function loudestBetween(r: Rig, fromMs: number, toMs: number) {
  const frame = (at: number) => Math.round((at * r.context.sampleRate) / 1000);
  await r.rendered.waitUntil(frame(toMs));
  return r.rendered.read(frame(fromMs), frame(toMs)).reduce((max, v) => Math.max(max, Math.abs(v)), 0);
}

describe('barge-in on a simulated acoustic path (real conversation, Chromium)', () => {
  test("the user's voice over the agent, at the echo's level, ducks it, then stops it: stop_audio reaches a real ws server, and not one sample of the reply follows, though its chunks keep coming; the next reply plays", async () => {
    const r = await start({ serverPort: inject('wsBrokerPort') });
    const reply = await r.reply(agent.samples, agent.rate);
    reply.send(12); // 1.2 s of the reply; the rest arrives after the stop
    const started = await r.next('session.speaking');
    const onset = started.audioAt + 400; // the echo is audible and the gate has locked on it
    const phrase = user.samples.subarray(0, Math.round(0.7 * user.rate));
    r.say(phrase, user.rate, onset, echoLevelGain());

    const ducked = await r.next('bargeIn.ducked');
    const interrupted = await r.next('bargeIn.interrupted');
    expect(ducked.audioAt).toBeGreaterThan(onset);
    expect(interrupted.audioAt).toBeGreaterThan(ducked.audioAt);
    expect(interrupted.event).toMatchObject({ manual: false });
    await until(() => r.stops().length > 0, 'stop_audio');
    expect(JSON.parse(r.stops()[0] as string)).toEqual({ message_type: 'stop_audio', response_id: reply.id });

    // The reply's late chunks: every one of them arrives after the stop.
    const stopped = await r.next('playback.stopped');
    reply.send();
    const silentFrom = stopped.audioAt + 5; // the stop's fade: at most one render quantum
    expect(await loudestBetween(r, silentFrom, r.nowMs() + 500)).toBe(0);

    // The transcript marks the reply as interrupted.
    const session = r.conversation.system.get('session') as AnyActorRef;
    const transcript = (session.getSnapshot() as SessionSnapshot).context.transcript;
    expect(transcript.at(-1)).toMatchObject({ replyId: reply.id, interrupted: true, failed: null });

    // The next reply, once the user has finished, plays in full.
    await until(() => r.nowMs() > onset + 800, 'the end of the phrase and its hangover');
    const after = r.log.length;
    const next = await r.reply(agent.samples.subarray(0, agent.rate), agent.rate);
    next.send();
    const ended = await r.next('playback.ended', after);
    expect((ended.event as { heardMs: number }).heardMs).toBeGreaterThan(990);
    // Its echo's onset is not taken for the user: the gate kept the path it had found before the user spoke.
    expect(r.first('bargeIn.ducked', after)).toBeUndefined();
    expect(r.stops()).toHaveLength(1);
  });

  test('a short burst (60 ms, under the default 150 ms window less the 40 ms hangover) ducks the agent, then restores it: no stop, and the reply plays to its end', async () => {
    const r = await start();
    const reply = await r.reply(agent.samples, agent.rate);
    reply.send();
    const started = await r.next('session.speaking');
    const burst = user.samples.subarray(Math.round(0.2 * user.rate), Math.round(0.26 * user.rate));
    r.say(burst, user.rate, started.audioAt + 400, 4 * echoLevelGain());
    await r.next('bargeIn.ducked');
    await r.next('bargeIn.restored');
    const ended = await r.next('playback.ended');
    expect((ended.event as { heardMs: number }).heardMs).toBeCloseTo(
      (agent.samples.length / agent.rate) * 1000,
      -1,
    );
    expect(r.first('bargeIn.interrupted')).toBeUndefined();
    expect(r.stops()).toEqual([]);
  });

  test("the agent's own delayed voice alone never interrupts it; without the echo gate it does", async () => {
    const r = await start();
    const reply = await r.reply(agent.samples, agent.rate);
    reply.send();
    await r.next('playback.ended');
    expect(r.first('bargeIn.ducked')).toBeUndefined();
    expect(r.first('playback.stopped')).toBeUndefined();
    await r.close();

    const ungated = await start({ voice: { echoGate: false } });
    (await ungated.reply(agent.samples, agent.rate)).send();
    await ungated.next('bargeIn.interrupted');
    await ungated.next('playback.stopped');
  });
});
