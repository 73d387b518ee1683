/**
 * Where a bundle's bytes go: each output character is attributed through the source map to the input
 * it came from (a package under node_modules counts as one input), and each input's gzip cost is
 * what the gzipped bundle loses when that input's characters are left out. Gzip shares context
 * across inputs, so these marginal costs add up to a little less than the whole.
 */
import { SourceMap } from 'node:module';
import { type BundleSize, gzipped } from './bundle.ts';

export interface InputShare {
  input: string;
  minified: number;
  /** gzip(bundle) − gzip(bundle without this input's characters). */
  gzipMarginal: number;
}

/** `node_modules/xstate/dist/x.js` → `xstate`; other paths as they are. */
function inputName(source: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source);
  if (match?.[1]) return match[1];
  return source.replace(/^(\.\.\/)+/, '');
}

/** Each character's input name, in output order. */
function owners(size: BundleSize): string[] {
  const text = new TextDecoder().decode(size.code);
  const map = new SourceMap(JSON.parse(size.map));
  const result: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, row) => {
    for (let column = 0; column < line.length; column++) {
      const entry = map.findEntry(row, column) as { originalSource?: string };
      result.push(entry.originalSource ? inputName(entry.originalSource) : '(bundler glue)');
    }
    if (row < lines.length - 1) result.push(result.at(-1) ?? '(bundler glue)');
  });
  return result;
}

export function breakdown(size: BundleSize): InputShare[] {
  const text = new TextDecoder().decode(size.code);
  const who = owners(size);
  const whole = gzipped(size.code);
  const encoder = new TextEncoder();
  const inputs = [...new Set(who)];
  return inputs
    .map((input) => {
      let rest = '';
      let minified = 0;
      for (let i = 0; i < text.length; i++) {
        if (who[i] === input) minified++;
        else rest += text[i];
      }
      return { input, minified, gzipMarginal: whole - gzipped(encoder.encode(rest)) };
    })
    .sort((a, b) => b.gzipMarginal - a.gzipMarginal);
}
