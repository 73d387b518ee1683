/**
 * The demo's Vite configuration, as a function of where the reference server listens. The page talks
 * to the dev server only: the server's WebSocket paths and its fault controls are proxied, so the page
 * needs no server URL, no CORS and no port guessing. `demo/start.ts` and the end-to-end tests use it.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { createLogger, defaultClientConditions, type InlineConfig, type Logger } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** The reference server's paths: each dialect's WebSocket path (see the dialects) and `/control`. */
export const PROXIED = '^/(api/ws/|ws/audio|api/v1/stt|control)';

export interface DemoConfigOptions {
  /** The reference server, `http://127.0.0.1:8787`. */
  serverUrl: string;
  /** Dev server port (0: a free one). */
  port: number;
  host?: string;
  logLevel?: InlineConfig['logLevel'];
  /** Reload the page when a source file changes (default true); tests turn it off. */
  watch?: boolean;
}

/**
 * Vite logs every failed proxy connection with a stack trace; while the server restarts (a fault the
 * page can trigger) that is expected, so say it in one line.
 */
function quietProxyLogger(level: InlineConfig['logLevel']): Logger {
  const logger = createLogger(level);
  const error = logger.error.bind(logger);
  logger.error = (message, options) => {
    if (/proxy (socket )?error/.test(message)) {
      const reason = (options?.error as NodeJS.ErrnoException | undefined)?.code ?? 'error';
      logger.warn(`demo: the voice server did not answer (${reason}); the page will retry`, {
        timestamp: true,
      });
      return;
    }
    error(message, options);
  };
  return logger;
}

export function demoConfig({
  serverUrl,
  port,
  host = '127.0.0.1',
  logLevel = 'info',
  watch = true,
}: DemoConfigOptions) {
  return {
    configFile: false,
    root,
    logLevel,
    customLogger: quietProxyLogger(logLevel),
    cacheDir: fileURLToPath(new URL('../node_modules/.vite/demo', import.meta.url)),
    plugins: [react()],
    // `voxstate` resolves to the repository itself (node_modules/voxstate links to it); the `source`
    // condition of its exports map serves the TypeScript sources, so the demo needs no build step.
    resolve: { conditions: ['source', ...defaultClientConditions] },
    // Known up front, so the first page load never waits for a dependency scan and reloads.
    optimizeDeps: {
      include: [
        'react',
        'react/jsx-dev-runtime',
        'react-dom/client',
        '@xstate/react',
        'xstate',
        'valibot',
        '@statelyai/inspect',
      ],
    },
    server: {
      host,
      port,
      strictPort: port !== 0,
      proxy: { [PROXIED]: { target: serverUrl, ws: true } },
      ...(watch ? {} : { hmr: false, watch: null }),
    },
  } satisfies InlineConfig;
}
