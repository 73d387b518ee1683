/** Which part of voxstate raised an error. */
export type VoxErrorSource =
  | 'options'
  | 'connection'
  | 'queue'
  | 'dialect'
  | 'session'
  | 'capture'
  | 'playback'
  | 'bargeIn'
  | 'conversation';

/** Plain data that travels with an error: what a log line or a UI needs, never secrets. */
export type VoxErrorDetails = Record<string, string | number | boolean | null | undefined>;

/**
 * The one error type of the library. Machines never throw it at the caller: they carry it on
 * events and in snapshots. Only option validation throws, at creation.
 */
export class VoxError extends Error {
  override readonly name = 'VoxError';
  readonly source: VoxErrorSource;
  /** Stable, dotted, machine-readable: `option.invalid`, `close.auth`, `queue.overflow`, ... */
  readonly code: string;
  readonly details: VoxErrorDetails;

  constructor(
    source: VoxErrorSource,
    code: string,
    message: string,
    options: { cause?: unknown; details?: VoxErrorDetails } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.source = source;
    this.code = code;
    this.details = options.details ?? {};
  }

  toJSON() {
    return {
      name: this.name,
      source: this.source,
      code: this.code,
      message: this.message,
      details: this.details,
    };
  }
}

export const isVoxError = (value: unknown): value is VoxError => value instanceof VoxError;
