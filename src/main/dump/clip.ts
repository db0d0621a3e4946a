/** Shortens quoted input in messages so one absurd line cannot flood a warning. */
export function clip(text: string, maxChars = 120): string {
  return text.length > maxChars ? `${text.slice(0, maxChars - 3)}...` : text;
}
