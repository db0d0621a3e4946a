// The browser side of serve's token (issue #11): taken from the printed URL's fragment, kept per tab,
// removed from the address bar; and the event stream read from a fetch body, as EventSource cannot
// send the token header.
import { describe, expect, it } from 'vitest';
import { takeServeToken, tokenFromFragment } from '../../src/renderer/client/serve-token.js';
import { readEventStream } from '../../src/renderer/client/event-stream-reader.js';

class MemoryStorage {
  readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
}

describe('serve token', () => {
  it('reads #token=… and nothing else', () => {
    expect(tokenFromFragment('#token=abc-DEF_123')).toBe('abc-DEF_123');
    expect(tokenFromFragment('#tab=dump&token=xyz')).toBe('xyz');
    expect(tokenFromFragment('')).toBeNull();
    expect(tokenFromFragment('#token=')).toBeNull();
  });

  it('takes it from the fragment into this tab’s storage and cleans the address; a reload finds it again', () => {
    const storage = new MemoryStorage();
    const replaced: string[] = [];
    const history = { state: null, replaceState: (_s: unknown, _t: string, url: string) => void replaced.push(url) };
    const opened = { hash: '#token=s3cret', pathname: '/', search: '?tab=groups' };
    expect(takeServeToken(opened, history, storage)).toBe('s3cret');
    expect(replaced).toEqual(['/?tab=groups']);
    const reloaded = { hash: '', pathname: '/', search: '?tab=groups' };
    expect(takeServeToken(reloaded, history, storage)).toBe('s3cret');
    expect(replaced).toHaveLength(1);
    expect(takeServeToken(reloaded, history, null)).toBeNull();
  });
});

describe('event stream over fetch', () => {
  it('hands each data payload on, skipping heartbeats, across chunk boundaries', async () => {
    const text = ': goroscope events\n\ndata: {"name":"a"}\n\n:\n\ndata: {"name":"b",\ndata: "x":1}\n\n';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.subarray(i, i + 7));
        controller.close();
      },
    });
    const got: string[] = [];
    await readEventStream(body, (data) => got.push(data));
    expect(got).toEqual(['{"name":"a"}', '{"name":"b",\n"x":1}']);
  });
});
