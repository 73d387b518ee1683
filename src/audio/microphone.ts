import { VoxError } from '../errors.ts';
import type { AudioInputDevice } from './types.ts';

/** What the adapters ask the microphone for, unless the app passes its own constraints. */
export const DEFAULT_CONSTRAINTS: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
  channelCount: 1,
};

const captureError = (code: string, message: string, cause?: unknown, deviceId?: string) =>
  new VoxError('capture', code, message, { cause, details: { deviceId } });

/** A getUserMedia failure as a VoxError whose message tells the user what to do. */
export function microphoneError(error: unknown, deviceId?: string): VoxError {
  const name = (error as { name?: string } | null)?.name;
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
    case 'PermissionDeniedError':
      return captureError(
        'capture.denied',
        'Microphone access is blocked. Allow the microphone for this site (the icon in the address bar or the browser settings), then try again.',
        error,
        deviceId,
      );
    case 'NotFoundError':
    case 'DevicesNotFoundError':
      return captureError(
        'capture.no-device',
        'No microphone was found. Connect a microphone, check that the system sees it, then try again.',
        error,
        deviceId,
      );
    case 'OverconstrainedError':
      return captureError(
        'capture.device-missing',
        'The selected microphone is not available. Choose another microphone.',
        error,
        deviceId,
      );
    case 'NotReadableError':
    case 'AbortError':
    case 'TrackStartError':
      return captureError(
        'capture.busy',
        'The microphone could not start: another application may be using it. Close it, then try again.',
        error,
        deviceId,
      );
    default:
      return captureError(
        'capture.failed',
        `The microphone could not start (${String(error)}).`,
        error,
        deviceId,
      );
  }
}

export const deviceLostError = (deviceId?: string) =>
  captureError(
    'capture.device-lost',
    'The microphone stopped during recording (unplugged or switched off). Reconnect it or choose another one.',
    undefined,
    deviceId,
  );

/** Opens the microphone; rejects with a VoxError. */
export async function openMicrophone(
  devices: MediaDevices | undefined,
  deviceId: string | undefined,
  constraints: MediaTrackConstraints = DEFAULT_CONSTRAINTS,
): Promise<MediaStream> {
  if (!devices?.getUserMedia) {
    throw captureError(
      'capture.unavailable',
      'This page cannot use a microphone: open it over https:// (or localhost) in a browser that supports audio capture.',
    );
  }
  try {
    return await devices.getUserMedia({
      audio: { ...constraints, ...(deviceId ? { deviceId: { exact: deviceId } } : {}) },
    });
  } catch (error) {
    throw microphoneError(error, deviceId);
  }
}

/** The microphones the browser lists (empty where it cannot list them). */
export async function listInputs(devices: MediaDevices | undefined): Promise<AudioInputDevice[]> {
  const all = (await devices?.enumerateDevices?.().catch(() => [])) ?? [];
  return all
    .filter((device) => device.kind === 'audioinput')
    .map(({ deviceId, groupId, label }) => ({ deviceId, groupId, label }));
}
