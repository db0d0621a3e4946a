import { describe, expect, it } from 'vitest';
import { packIds, unpackIds } from '../../src/main/store/id-packing.js';

describe('packIds / unpackIds', () => {
  it.each([
    { name: 'empty', ids: [], hex: '' },
    { name: 'small gaps', ids: [1, 7, 8, 300], hex: '010601a402' },
    { name: 'a large id', ids: [2 ** 40], hex: '808080808020' },
  ])('$name', ({ ids, hex }) => {
    const packed = packIds(ids);
    expect(packed.toString('hex')).toBe(hex);
    expect(unpackIds(packed)).toEqual(ids);
  });

  it('packs 50,000 consecutive ids into 50,000 bytes', () => {
    const ids = Array.from({ length: 50_000 }, (_, i) => i + 10);
    const packed = packIds(ids);
    expect(packed.length).toBe(50_000);
    expect(unpackIds(packed)).toEqual(ids);
  });

  it('refuses unsorted ids', () => {
    expect(() => packIds([5, 3])).toThrow('goroutine IDs must be ascending non-negative integers; got 3 after 5');
  });

  it('refuses a blob cut inside a varint', () => {
    expect(() => unpackIds(Buffer.from([0x01, 0xa4]))).toThrow('packed goroutine IDs end inside a varint at byte 2');
  });
});
