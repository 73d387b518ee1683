/** Every shipped dialect, on the path its seed uses. */
import { messageTypeProtocol } from './messageType.ts';
import { statusProtocol } from './status.ts';
import { tutorProtocol } from './tutor.ts';
import { typedProtocol } from './typed.ts';
import type { ServerProtocol } from './types.ts';

export const protocols: readonly ServerProtocol[] = [
  tutorProtocol,
  messageTypeProtocol,
  statusProtocol,
  typedProtocol,
];

export function protocolFor(path: string): ServerProtocol | undefined {
  return protocols.find((p) => p.dialect.path === path);
}

/** The sub-protocol to accept: the first the client offers that the dialect knows, else none. */
export function pickSubprotocol(protocol: ServerProtocol, offered: Set<string>): string | false {
  return [...offered].find((p) => protocol.dialect.protocols.includes(p)) ?? false;
}
