import { IPC_EVENT_CHANNEL, REQUEST_NAMES, ipcRequestChannel } from '../../shared/contract-names.js';
import type { EventMessage, Reply } from '../../shared/contract.js';
import { toDisposable, type Disposable } from '../../shared/lifecycle.js';
import type { Api } from '../api/create-api.js';
import { dispatch } from './dispatch.js';

/**
 * Electron IPC for the contract, written against the few members of Electron's objects it uses so
 * that this module never imports `electron` (only src/main/app does, and passes them in).
 */

export interface SenderFrameLike {
  readonly url: string;
  readonly parent: unknown;
}

export interface IpcInvokeEventLike {
  readonly senderFrame: SenderFrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, input: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface IpcTransportOptions {
  ipcMain: IpcMainLike;
  api: Api;
  /** The page we load: a `file:` URL of index.html, or the dev server's URL. */
  appUrl: string;
  /** Delivers an event to the window (webContents.send on IPC_EVENT_CHANNEL). */
  sendEvent(channel: string, message: EventMessage): void;
}

/**
 * Accepts a message only from a top-level frame showing our page: same file on this machine for
 * `file:` (query and hash aside; `file://server/share/…` with the same path is another file, on
 * Windows a UNC share), same origin for the dev server. Frames of other origins (an iframe, a page
 * navigated elsewhere) are refused. See Electron's security checklist, item 17.
 */
export function isTrustedSender(frame: SenderFrameLike | null, appUrl: string): boolean {
  if (frame === null || frame.parent !== null) return false;
  let url: URL;
  let app: URL;
  try {
    url = new URL(frame.url);
    app = new URL(appUrl);
  } catch {
    return false; // an unparsable frame URL is not ours
  }
  if (app.protocol === 'file:') return url.protocol === 'file:' && url.host === app.host && url.pathname === app.pathname;
  return url.origin === app.origin;
}

/** Registers one `ipcMain.handle` per request and forwards events; dispose removes them all. */
export function registerIpc(options: IpcTransportOptions): Disposable {
  const { ipcMain, api, appUrl } = options;
  for (const name of REQUEST_NAMES) {
    const channel = ipcRequestChannel(name);
    ipcMain.handle(channel, async (event: IpcInvokeEventLike, input: unknown): Promise<Reply<unknown>> => {
      if (!isTrustedSender(event.senderFrame, appUrl)) {
        return { ok: false, error: { code: 'INVALID_INPUT', message: `${name} refused: the sender is not Goroscope's window` } };
      }
      // IPC has no request lifetime to follow: a request runs to its end.
      const outcome = await dispatch(api, name, input, new AbortController().signal);
      return outcome.reply;
    });
  }
  const subscription = api.onEvent((message) => options.sendEvent(IPC_EVENT_CHANNEL, message));
  return toDisposable(() => {
    subscription.dispose();
    for (const name of REQUEST_NAMES) ipcMain.removeHandler(ipcRequestChannel(name));
  });
}
