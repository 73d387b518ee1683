#!/usr/bin/env node
// Runs the server's TypeScript with tsx, and resolves `voxstate` to its TypeScript source (the
// `source` export condition), so a clean clone needs no build step.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

registerTsx();
// Registered last, so it runs first: adds the condition, then tsx and Node resolve as usual.
register(
  'data:text/javascript,export function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, "source"] }); }',
);
await import('../src/cli.ts');
