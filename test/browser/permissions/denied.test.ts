import { expect, test } from 'vitest';
import { pcmCapture } from '../../../src/adapters/pcmCapture.ts';
import type { CaptureCommand, CaptureEvent } from '../../../src/audio/types.ts';
import { runAdapter } from '../helpers.ts';

// Launched without --use-fake-ui-for-media-stream: Chromium denies the microphone at once.
test('a denied microphone is capture.denied, with what to do about it', async () => {
  const capture = runAdapter<CaptureCommand, CaptureEvent>(pcmCapture(), {
    format: { mimeType: 'audio/wav', sampleRate: 16000 },
  });
  const { error } = await capture.next('capture.error');
  capture.stop();
  expect([error.source, error.code]).toEqual(['capture', 'capture.denied']);
  expect(error.message).toMatch(/Allow the microphone for this site/);
  expect((error.cause as DOMException).name).toBe('NotAllowedError');
});
