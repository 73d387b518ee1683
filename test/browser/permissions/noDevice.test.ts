import { expect, test } from 'vitest';
import { mediaRecorderCapture } from '../../../src/adapters/mediaRecorderCapture.ts';
import type { CaptureCommand, CaptureEvent } from '../../../src/audio/types.ts';
import { runAdapter } from '../helpers.ts';

// Launched without fake devices: this machine has no microphone at all.
test('no microphone at all is capture.no-device, with what to do about it', async () => {
  const capture = runAdapter<CaptureCommand, CaptureEvent>(mediaRecorderCapture(), {
    format: { mimeType: 'audio/webm;codecs=opus', sampleRate: 16000, frameMs: 250 },
  });
  const { error } = await capture.next('capture.error');
  capture.stop();
  expect([error.source, error.code]).toEqual(['capture', 'capture.no-device']);
  expect(error.message).toMatch(/Connect a microphone/);
  expect((error.cause as DOMException).name).toBe('NotFoundError');
});
