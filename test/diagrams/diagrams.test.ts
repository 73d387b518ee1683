import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { bargeInMachine } from '../../machines/bargeIn.machine.ts';
import { connectionMachine } from '../../machines/connection.machine.ts';
import { conversationMachine } from '../../machines/conversation.machine.ts';
import { sessionMachine } from '../../machines/session.machine.ts';
import { toMermaid } from './mermaid.ts';
import { embedded, withDiagrams } from './readme.ts';

const README = fileURLToPath(new URL('../../README.md', import.meta.url));

/** Outermost first, as a reader meets them. */
const diagrams = Object.fromEntries(
  [conversationMachine, sessionMachine, connectionMachine, bargeInMachine].map((m) => [m.id, toMermaid(m)]),
);

if (process.env.UPDATE_DIAGRAMS === '1') {
  const readme = readFileSync(README, 'utf8');
  const updated = withDiagrams(readme, diagrams);
  if (updated !== readme) writeFileSync(README, updated);
}

test.each(Object.keys(diagrams))("the README's %s diagram is generated from the machine as it is", (name) => {
  const fresh = diagrams[name] as string;
  const current = embedded(readFileSync(README, 'utf8'), name);
  expect(
    current,
    `README.md's ${name} diagram is out of date: run \`UPDATE_DIAGRAMS=1 npx vitest run test/diagrams\`, or paste:\n\n${fresh}\n`,
  ).toBe(fresh);
});

test('a diagram shows states, nesting, initial states, guards, delays and invocations', () => {
  const connection = diagrams.connection as string;
  expect(connection).toContain('[*] --> closed');
  expect(connection).toContain('state "connecting" as connecting {');
  expect(connection).toContain('  [*] --> connecting_choosing');
  expect(connection).toContain('connecting_choosing --> connecting_authorizing : [needsToken]');
  expect(connection).toContain('connecting_authorizing : invokes token');
  expect(connection).toContain('reconnecting --> connecting : connect<br/>online<br/>after retry');
  expect(connection).toContain('open_healthy --> open_unmonitored : [!hasPing]');
  expect(connection).toContain(
    'connecting --> connecting : socket.close [verdictIs(auth) && canRefreshToken]',
  );
  expect(diagrams.bargeIn).toContain('ducked --> idle : interrupt<br/>agent.stop<br/>after confirm');
  expect(diagrams.conversation).toContain('conversation : invokes session, bargeIn, voice');
});

test('rewriting adds the section once, replaces blocks in place and leaves the rest of the README alone', () => {
  const before = '# title\n\nintro\n\n## Licence\n\nMIT\n';
  const once = withDiagrams(before, { a: 'stateDiagram-v2\n  [*] --> x' });
  expect(once.startsWith('# title\n\nintro\n\n## Licence\n\nMIT\n\n## The statecharts\n')).toBe(true);
  expect(embedded(once, 'a')).toBe('stateDiagram-v2\n  [*] --> x');
  const twice = withDiagrams(once, { a: 'stateDiagram-v2\n  [*] --> y', b: 'stateDiagram-v2\n  [*] --> z' });
  expect(embedded(twice, 'a')).toBe('stateDiagram-v2\n  [*] --> y');
  expect(embedded(twice, 'b')).toBe('stateDiagram-v2\n  [*] --> z');
  expect(twice.replace(/\n+## The statecharts[\s\S]*$/, '\n')).toBe(before);
  expect(withDiagrams(twice, { a: 'stateDiagram-v2\n  [*] --> y', b: 'stateDiagram-v2\n  [*] --> z' })).toBe(
    twice,
  );
});
