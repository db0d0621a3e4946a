// Standard-library explanations for stacks with no frame of the service's own code, on the stacks Go
// 1.27 prints (seen live on test/fixtures/go/leaky built with Go 1.27).
import { describe, expect, test } from 'vitest';
import { analyzeSession } from '../../src/main/analysis/analyze-session.js';
import { fakeSession, frame, range } from './helpers.js';

const GOROOT = '/usr/lib/go-1.27/src';
const std = (func: string, file: string, line: number) => frame(func, `${GOROOT}/${file}`, line);

// An idle keep-alive server connection: Go 1.27 waits for the next request in bufio Peek, not in readRequest.
const SERVER_IDLE_127 = [
  std('internal/poll.runtime_pollWait', 'runtime/netpoll.go', 351),
  std('internal/poll.(*pollDesc).wait', 'internal/poll/fd_poll_runtime.go', 84),
  std('internal/poll.(*pollDesc).waitRead', 'internal/poll/fd_poll_runtime.go', 89),
  std('internal/poll.(*FD).Read', 'internal/poll/fd_unix.go', 165),
  std('net.(*netFD).Read', 'net/fd_posix.go', 68),
  std('net.(*conn).Read', 'net/net.go', 196),
  std('net/http.(*connReader).Read', 'net/http/server.go', 817),
  std('bufio.(*Reader).fill', 'bufio/bufio.go', 113),
  std('bufio.(*Reader).Peek', 'bufio/bufio.go', 152),
  std('net/http.(*conn).serve', 'net/http/server.go', 2193),
];
const READ_LOOP = [std('net/http.(*persistConn).readLoop', 'net/http/transport.go', 2616)];
const WRITE_LOOP = [std('net/http.(*persistConn).writeLoop', 'net/http/transport.go', 2833)];
// Own code somewhere, so CodeOrigin learns which paths are the service's.
const MAIN = [frame('main.serve', '/src/app/main.go', 300)];

describe('explanations on Go 1.27 stacks', () => {
  test('idle server connections that grow with leaked client connections: the HTTP explanation on both sides', () => {
    const grow = range(0, 20).map((i) => 8 + 2 * i);
    const analysis = analyzeSession(
      fakeSession([
        { key: 'server', frames: SERVER_IDLE_127, counts: grow },
        { key: 'readLoop', frames: READ_LOOP, counts: grow },
        { key: 'writeLoop', frames: WRITE_LOOP, counts: grow },
        { key: 'main', frames: MAIN, counts: Array(20).fill(1) },
      ]),
    );
    const byKey = Object.fromEntries(analysis.suspects.map((s) => [s.key, s.explanation!]));
    expect(byKey['server']!.pattern).toBe('http-server-idle-connections');
    expect(byKey['server']!.support).toEqual([
      "no frame of the service's own code on the stack; it runs net/http.(*conn).serve",
      'grew +36, in step with client readLoop goroutines (+36) in the same process: its own leaked client connections',
      // Every trend suspect states its id turnover, or why it is unknown (issue 19).
      'id turnover unknown: fewer than two full dumps (debug=2) show its goroutine ids',
    ]);
    expect(byKey['readLoop']!.pattern).toBe('http-client-body-not-closed');
    expect(byKey['readLoop']!.support).toContain(
      'server connections (net/http.(*conn).serve) grew +36 in step: the other end of these connections is this same process',
    );
  });

  test('bufio Peek without the server loop under it is not an idle server connection', () => {
    const frames = [...SERVER_IDLE_127.slice(0, 9), frame('main.readFrames', '/src/app/proto.go', 40)];
    const [s] = analyzeSession(fakeSession([{ key: 'proto', frames, counts: range(0, 20).map((i) => 2 * i) }])).suspects;
    expect(s!.explanation!.pattern).toBe('blocked');
  });
});
