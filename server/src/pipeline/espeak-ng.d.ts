/** The parts of the `espeak-ng` package (an Emscripten build of the espeak-ng CLI) the server uses. */
declare module 'espeak-ng' {
  interface EspeakModule {
    FS: {
      readFile(path: string): Uint8Array;
      unlink(path: string): void;
      streams: unknown[];
      close(stream: unknown): void;
    };
  }
  interface EspeakOptions {
    arguments?: string[];
    noInitialRun?: boolean;
    print?: (text: string) => void;
    printErr?: (text: string) => void;
    instantiateWasm?: (
      imports: WebAssembly.Imports,
      done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
    ) => object;
  }
  export default function ESpeakNg(options?: EspeakOptions): Promise<EspeakModule>;
}
