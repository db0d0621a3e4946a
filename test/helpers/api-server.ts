// The real api over a real history in a temporary folder, served in-process by the real HTTP transport.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openApi, type OpenedApi } from '../../src/main/api/open-api.js';
import { startHttpServer, type HttpServer, type HttpServerOptions } from '../../src/main/transport/http.js';
import { REPO_ROOT } from './go-toolchains.js';

export interface ApiServer {
  opened: OpenedApi;
  server: HttpServer;
  dir: string;
  close(): Promise<void>;
}

export async function startApiServer(options: Partial<Omit<HttpServerOptions, 'api'>> = {}): Promise<ApiServer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'goroscope-api-'));
  const opened = openApi(path.join(dir, 'history.db'), '0.1.0-test');
  const server = await startHttpServer({
    api: opened.api,
    rendererDir: path.join(REPO_ROOT, 'out', 'renderer'),
    host: '127.0.0.1',
    port: 0,
    allowRemote: false,
    ...options,
  });
  let closing: Promise<void> | null = null;
  return {
    opened,
    server,
    dir,
    close() {
      closing ??= (async () => {
        await server.close();
        await opened.close();
        await rm(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}
