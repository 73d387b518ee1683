import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';

const root = join(import.meta.dirname, '..', '..');

test('npm run build emits a package a plain Node script can import, with type declarations', () => {
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: root, stdio: 'pipe' });
  const dir = mkdtempSync(join(tmpdir(), 'voxstate-import-'));
  // Installed as a dependency would be: node_modules/voxstate, resolved through the exports map.
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules', 'voxstate'), 'dir');
  const script = join(dir, 'use.mjs');
  writeFileSync(
    script,
    `import * as core from 'voxstate';
import { tutor } from 'voxstate/dialects/tutor';
console.log(JSON.stringify({ connection: typeof core.createConnection, session: typeof core.createSession, error: new core.VoxError('options', 'x', 'y').name, dialect: tutor.name }));`,
  );
  const out = JSON.parse(execFileSync(process.execPath, [script], { encoding: 'utf8' }));
  expect(out).toEqual({ connection: 'function', session: 'function', error: 'VoxError', dialect: 'tutor' });
  const declarations = execFileSync('ls', [join(root, 'dist/src')], { encoding: 'utf8' });
  expect(declarations).toContain('index.d.ts');
}, 120_000);
