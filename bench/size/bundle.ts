/**
 * One way to measure every entry, ours and the peers': esbuild bundles it (ESM, browser platform,
 * minified, React left external), and the output is gzipped at level 9. `voxstate` resolves to its
 * sources through the `source` export condition; `module` is listed too because naming conditions
 * replaces esbuild's default list, which has it, and without it XState resolves to its CommonJS build.
 */
import { gzipSync } from 'node:zlib';
import { build, type Metafile } from 'esbuild';

export const CONDITIONS = ['source', 'module'];

export interface BundleSize {
  /** Minified bytes. */
  minified: number;
  /** Minified, then gzipped at level 9. */
  gzipped: number;
  code: Uint8Array;
  metafile: Metafile;
  /** The source map, for attributing output bytes to inputs. */
  map: string;
}

export const gzipped = (bytes: Uint8Array) => gzipSync(bytes, { level: 9 }).byteLength;

/** Bundles `contents` (an ES module importing the entry) as if it were a file in `resolveDir`. */
export async function bundleSize(contents: string, resolveDir: string): Promise<BundleSize> {
  const result = await build({
    stdin: { contents, resolveDir, loader: 'ts', sourcefile: 'entry.ts' },
    absWorkingDir: resolveDir,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external: ['react'],
    conditions: CONDITIONS,
    sourcemap: 'external',
    outfile: 'entry.js',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const file = (ext: string) => result.outputFiles.find((f) => f.path.endsWith(ext));
  const code = file('.js')?.contents ?? new Uint8Array();
  return {
    minified: code.byteLength,
    gzipped: gzipped(code),
    code,
    metafile: result.metafile,
    map: file('.js.map')?.text ?? '{}',
  };
}
