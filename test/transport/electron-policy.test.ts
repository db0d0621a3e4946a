// The Electron side's decisions, checked under Node: which frames IPC answers (ipcMain stood in by a map
// of handlers, as in contract.test.ts), which page the window loads, which links and navigations pass.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { appUrlFor, externalUrlToOpen, isFrameNavigationAllowed } from '../../src/main/app/window-policy.js';
import { isTrustedSender, registerIpc, type IpcInvokeEventLike, type IpcMainLike } from '../../src/main/transport/ipc.js';
import { startApiServer, type ApiServer } from '../helpers/api-server.js';

const APP = 'file:///opt/Goroscope/resources/app/out/renderer/index.html';

describe('IPC answers our page at file:// on this machine only', () => {
  let s: ApiServer;
  const handlers = new Map<string, (event: IpcInvokeEventLike, input: unknown) => Promise<unknown>>();
  const ipcMain: IpcMainLike = {
    handle: (channel, listener) => void handlers.set(channel, listener),
    removeHandler: (channel) => void handlers.delete(channel),
  };
  beforeAll(async () => {
    s = await startApiServer();
  });
  afterAll(() => s?.close());

  test('the same path on another host (a UNC share on Windows) or spelt differently is not our page', async () => {
    const registration = registerIpc({ ipcMain, api: s.opened.api, appUrl: APP, sendEvent: () => undefined });
    try {
      const list = handlers.get('goroscope:session.list')!;
      const refused = { ok: false, error: { code: 'INVALID_INPUT', message: "session.list refused: the sender is not Goroscope's window" } };
      for (const url of [
        'file://evil.example/opt/Goroscope/resources/app/out/renderer/index.html',
        'file:////evil.example/opt/Goroscope/resources/app/out/renderer/index.html',
        'file:///opt/Goroscope/resources/app/out/renderer/%69ndex.html',
        'file:///opt/Goroscope/resources/app/out/renderer/index.html/',
        'http://opt/Goroscope/resources/app/out/renderer/index.html',
        'about:blank',
        'about:srcdoc',
      ]) {
        expect(await list({ senderFrame: { url, parent: null } }, {}), url).toEqual(refused);
      }
      // `localhost` is how file URLs spell this machine; `..` is resolved before comparing.
      for (const url of [`${APP}?x=1#/groups`, 'file://localhost/opt/Goroscope/resources/app/out/renderer/index.html', 'file:///opt/Goroscope/resources/app/out/x/../renderer/index.html']) {
        expect(await list({ senderFrame: { url, parent: null } }, {}), url).toEqual({ ok: true, value: [] });
      }
    } finally {
      registration.dispose();
    }
    expect(handlers.size).toBe(0);
  });

  test('the dev server: same origin only', () => {
    expect(isTrustedSender({ url: 'http://localhost:5173/', parent: null }, 'http://localhost:5173/')).toBe(true);
    for (const url of ['http://127.0.0.1:5173/', 'https://localhost:5173/', 'http://localhost:5173.evil.example/']) {
      expect(isTrustedSender({ url, parent: null }, 'http://localhost:5173/'), url).toBe(false);
    }
  });
});

describe('window policy', () => {
  test('a packaged app never takes its page from ELECTRON_RENDERER_URL; an unpackaged one only from loopback http', () => {
    expect(appUrlFor('http://localhost:5173/', true, APP)).toBe(APP);
    expect(appUrlFor(undefined, false, APP)).toBe(APP);
    expect(appUrlFor('', false, APP)).toBe(APP);
    for (const dev of ['http://localhost:5173/', 'http://127.0.0.1:5173/', 'http://[::1]:5173/']) expect(appUrlFor(dev, false, APP), dev).toBe(dev);
    for (const remote of ['https://evil.example/', 'http://evil.example:5173/', 'http://localhost.evil.example/', 'file:///tmp/evil.html', 'javascript:alert(1)', 'not a url']) {
      expect(appUrlFor(remote, false, APP), remote).toBe(APP);
    }
  });

  test('openExternal gets https links only, without credentials, as parsed', () => {
    expect(externalUrlToOpen('https://go.dev/doc/diagnostics')).toBe('https://go.dev/doc/diagnostics');
    expect(externalUrlToOpen(' https://GO.dev')).toBe('https://go.dev/');
    for (const url of ['http://go.dev/', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'ms-msdt:/id', 'HTTPS:', 'https://user:pw@go.dev/', 'not a url']) {
      expect(externalUrlToOpen(url), url).toBeNull();
    }
  });

  test('no main-frame navigation at all; subframes only to the report preview’s srcdoc', () => {
    expect(isFrameNavigationAllowed('about:srcdoc', false)).toBe(true);
    expect(isFrameNavigationAllowed('about:blank', false)).toBe(true);
    for (const url of ['https://evil.example/', APP, 'about:srcdoc', 'about:blank']) expect(isFrameNavigationAllowed(url, true), url).toBe(false);
    for (const url of ['https://evil.example/', APP, 'data:text/html,x', 'javascript:alert(1)']) expect(isFrameNavigationAllowed(url, false), url).toBe(false);
  });
});
