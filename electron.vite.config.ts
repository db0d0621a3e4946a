import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

// One build for everything: the Electron main process (`app`), the plain-Node CLI (`cli`, also the
// engine of `goroscope serve`), the benchmarks (`bench`, run by bench/run.js), the sandboxed preload (CommonJS, as sandboxed preloads must be) and
// the React renderer that both Electron and `goroscope serve` load.
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          app: resolve('src/main/app/index.ts'),
          cli: resolve('src/main/cli/index.ts'),
          bench: resolve('src/main/bench/index.ts'),
          // The worker thread serve and the app parse imports in (src/main/use-cases/worker-intake.ts).
          'parse-worker': resolve('src/main/use-cases/parse-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    build: {
      // Monaco makes the page large: minified, it parses several times faster when the UI opens.
      minify: true,
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
    plugins: [react()],
  },
});
