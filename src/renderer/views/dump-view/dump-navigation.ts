/** The next stop of "next / previous goroutine" over `count` stops, wrapping round; null with none. */
export function stepLine(count: number, at: number, delta: number): number | null {
  if (count === 0) return null;
  return (((at + delta) % count) + count) % count;
}
