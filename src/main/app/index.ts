import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow, ipcMain, session, shell } from 'electron';
import { openApi, type OpenedApi } from '../api/open-api.js';
import { registerIpc } from '../transport/ipc.js';
import { DB_FILE_NAME } from '../store/default-db-path.js';
import { DisposableStore } from '../../shared/lifecycle.js';

// The only module that imports electron: the window with its security defaults, the history in the
// user-data folder, and the contract over IPC.
const disposables = new DisposableStore();
let opened: OpenedApi | null = null;

function appUrl(): string {
  return process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href;
}

/**
 * better-sqlite3 built for Electron's ABI by `npm start` (scripts/electron-native.mjs); node_modules
 * keeps the Node build for the CLI. A packaged app rebuilds node_modules itself: then there is none.
 */
function electronSqliteBinding(): string | undefined {
  const built = join(app.getAppPath(), '.cache', 'electron-native', process.versions.electron, 'better_sqlite3.node');
  return existsSync(built) ? built : undefined;
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Goroscope',
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  // No navigation away from the app and no new windows; external links open in the browser.
  window.webContents.on('will-navigate', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  void window.loadURL(appUrl());
  return window;
}

void app.whenReady().then(() => {
  // No permission (camera, notifications, …) is ever granted to the page.
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  // The Electron app and the CLI share one history (userData/goroscope.db), unless GOROSCOPE_DB says
  // otherwise (empty counts as unset, as in the CLI).
  const dbPath = process.env.GOROSCOPE_DB || join(app.getPath('userData'), DB_FILE_NAME);
  opened = openApi(dbPath, app.getVersion(), { nativeBinding: electronSqliteBinding() });
  disposables.add(
    registerIpc({
      ipcMain,
      api: opened.api,
      appUrl: appUrl(),
      sendEvent: (channel, message) => {
        for (const w of BrowserWindow.getAllWindows()) if (!w.isDestroyed()) w.webContents.send(channel, message);
      },
    }),
  );
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let isQuitting = false;
app.on('will-quit', (event) => {
  if (isQuitting || opened === null) return;
  // Recordings end cleanly (their sessions marked ended) before the history closes.
  event.preventDefault();
  isQuitting = true;
  disposables.dispose();
  void opened.close().finally(() => app.quit());
});
