import { describe, expect, it } from 'vitest';
import { normaliseTarget } from '../../src/main/collect/target-url.js';

describe('normaliseTarget', () => {
  it.each([
    { input: 'http://127.0.0.1:6060', baseUrl: 'http://127.0.0.1:6060', port: 6060 },
    { input: 'http://127.0.0.1:6060/', baseUrl: 'http://127.0.0.1:6060', port: 6060 },
    { input: '127.0.0.1:6060', baseUrl: 'http://127.0.0.1:6060', port: 6060 },
    { input: 'http://localhost:6060/debug/pprof/', baseUrl: 'http://localhost:6060', port: 6060 },
    { input: 'http://localhost:6060/debug/pprof/goroutine?debug=2', baseUrl: 'http://localhost:6060', port: 6060 },
    { input: 'https://svc.example.com/admin/debug/pprof/heap', baseUrl: 'https://svc.example.com/admin', port: 443 },
    { input: 'http://[::1]:6060/debug/vars', baseUrl: 'http://[::1]:6060', port: 6060 },
    { input: ' http://10.0.0.5:9090/metrics ', baseUrl: 'http://10.0.0.5:9090', port: 9090 },
  ])('$input → $baseUrl', ({ input, baseUrl, port }) => {
    const t = normaliseTarget(input);
    expect(t.baseUrl).toBe(baseUrl);
    expect(t.port).toBe(port);
  });

  it('strips IPv6 brackets for the socket', () => {
    expect(normaliseTarget('http://[::1]:6060').hostname).toBe('::1');
  });

  it.each([
    { input: 'ftp://host:21', error: 'target "ftp://host:21" uses ftp; expected http:// or https://' },
    { input: 'http://', error: 'target "http://" is not a URL; expected http://host:port, e.g. http://127.0.0.1:6060' },
  ])('refuses $input', ({ input, error }) => {
    expect(() => normaliseTarget(input)).toThrow(error);
  });
});
