/** What the connection does after the server (or the network) closed the socket. */
export type CloseVerdict = 'reconnect' | 'auth' | 'protocol' | 'server';

export interface CloseInfo {
  code: number;
  reason: string;
  wasClean: boolean;
}

export type ClosePolicy = (close: CloseInfo) => CloseVerdict;

const AUTH_CODES = new Set([1008, 3000, 3003, 4001, 4003]);
const PROTOCOL_CODES = new Set([1002, 1003, 1007, 1010]);

/**
 * The default policy (overridable with the `closePolicy` option):
 * - 1008 (policy violation) and the common application codes 3000/3003/4001/4003: `auth`, a fresh
 *   token is asked for once through `getToken`, otherwise the connection rests in `closed`.
 * - 1002/1003/1007/1010: `protocol`, retrying would fail the same way.
 * - 1000 from the server: `server`, the server ended the conversation on purpose (seed 002) and the
 *   connection rests in `closed`; a manual `reconnect` starts again.
 * - everything else, 1001, 1005, 1006, 1009, 1011, 1012, 1013 and other 4xxx included: `reconnect`.
 */
export const defaultClosePolicy: ClosePolicy = ({ code }) => {
  if (code === 1000) return 'server';
  if (AUTH_CODES.has(code)) return 'auth';
  if (PROTOCOL_CODES.has(code)) return 'protocol';
  return 'reconnect';
};
