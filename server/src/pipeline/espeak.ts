/**
 * Speech from espeak-ng (the `espeak-ng` npm package: the espeak-ng command line compiled to
 * WebAssembly, GPL-3.0-or-later). The package can only run the program's `main`, once per instance,
 * and a new instance costs about 100 ms. So the server keeps one instance and, before each run, puts
 * back the memory it had right after start-up: that resets the program's global state (getopt's
 * position and the rest), and `main` runs again in a few tens of milliseconds. Synthesis is
 * synchronous: it runs on the event loop.
 */
/// <reference path="./espeak-ng.d.ts" />
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import ESpeakNg from 'espeak-ng';
import type { Pcm } from '../audio/pcm.ts';
import { wavLayout } from '../audio/wav.ts';

export interface SpeakOptions {
  /** An espeak-ng voice, e.g. `en-us`, `en-gb`, `de`. */
  voice: string;
  wordsPerMinute: number;
}

interface Exports {
  memory: WebAssembly.Memory;
  malloc(size: number): number;
  stackSave(): number;
  stackRestore(pointer: number): void;
  __main_argc_argv(argc: number, argv: number): number;
}

const OUT = '/tmp/voxstate-reply.wav';
/** Longer texts are cut: a reply is a few sentences, and synthesis blocks the event loop. */
export const MAX_TEXT = 4000;

export class Espeak {
  private readonly encoder = new TextEncoder();

  private constructor(
    private readonly module: Awaited<ReturnType<typeof ESpeakNg>>,
    private readonly exports: Exports,
    private readonly snapshot: Uint8Array,
    private readonly stack: number,
    /** What espeak-ng printed to stderr during the current run. */
    private readonly errors: string[],
  ) {}

  static async load(): Promise<Espeak> {
    const script = createRequire(import.meta.url).resolve('espeak-ng');
    const wasm = await readFile(script.replace(/\.js$/, '.wasm'));
    let instance: WebAssembly.Instance | undefined;
    const errors: string[] = [];
    const module = await ESpeakNg({
      noInitialRun: true,
      print: () => {},
      printErr: (line) => errors.push(line),
      instantiateWasm(imports, done) {
        WebAssembly.instantiate(wasm, imports).then((result) => {
          instance = result.instance;
          done(result.instance, result.module);
        });
        return {};
      },
    });
    if (!instance) throw new Error('espeak-ng: the WebAssembly module did not start');
    const exports = instance.exports as unknown as Exports;
    const snapshot = new Uint8Array(exports.memory.buffer).slice();
    return new Espeak(module, exports, snapshot, exports.stackSave(), errors);
  }

  /** Speaks `text`; throws an Error with espeak-ng's own message when it fails. */
  speak(text: string, { voice, wordsPerMinute }: SpeakOptions): Pcm {
    const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').slice(0, MAX_TEXT);
    // `--` ends the options, so a reply that starts with a dash is spoken, not parsed.
    const args = ['espeak-ng', '-w', OUT, '-v', voice, '-s', String(wordsPerMinute), '--', clean];
    this.errors.length = 0;
    try {
      new Uint8Array(this.exports.memory.buffer).set(this.snapshot);
      this.exports.stackRestore(this.stack);
      const status = this.exports.__main_argc_argv(args.length, this.argv(args));
      if (status !== 0) throw new Error(`exit status ${status}`);
      return readSpeech(this.module.FS.readFile(OUT));
    } catch (error) {
      const detail = this.errors[0]?.trim() || (error as Error).message || String(error);
      throw new Error(`espeak-ng could not speak (${detail})`);
    } finally {
      this.closeFiles();
    }
  }

  private argv(args: string[]): number {
    const { memory, malloc } = this.exports;
    const pointers = args.map((arg) => {
      const bytes = this.encoder.encode(`${arg}\0`);
      const at = malloc(bytes.length);
      new Uint8Array(memory.buffer, at, bytes.length).set(bytes);
      return at;
    });
    const argv = malloc(pointers.length * 4);
    new Uint32Array(memory.buffer, argv, pointers.length).set(pointers);
    return argv;
  }

  /** A run that failed half-way may leave its output file open; stdin, stdout and stderr stay. */
  private closeFiles(): void {
    const { FS } = this.module;
    FS.streams.forEach((stream, fd) => {
      if (fd > 2 && stream) FS.close(stream);
    });
    try {
      FS.unlink(OUT);
    } catch {}
  }
}

function readSpeech(file: Uint8Array): Pcm {
  const layout = wavLayout(file);
  if (layout === null || typeof layout === 'string' || layout.encoding !== 'int16' || layout.channels !== 1) {
    throw new Error('unexpected output format');
  }
  const end = Math.min(file.length, layout.dataOffset + (layout.dataBytes || file.length));
  const bytes = file.slice(layout.dataOffset, end - ((end - layout.dataOffset) % 2));
  return { samples: new Int16Array(bytes.buffer), sampleRate: layout.sampleRate };
}

let shared: Promise<Espeak> | null = null;

/** The process's one espeak-ng instance, started on first use. */
export function espeak(): Promise<Espeak> {
  shared ??= Espeak.load().catch((error) => {
    shared = null;
    throw error;
  });
  return shared;
}
