/**
 * How a request whose input holds byte arrays (`dump.import`'s picked files) travels over HTTP without
 * text decoding or base64 (a 56 MB dump costs about a second each way): the body is the input's JSON,
 * each Uint8Array in it written as `{"$bytes":[offset,length]}`, followed by those bytes; the
 * `x-goroscope-json-bytes` header gives the JSON's length in bytes. The request's schema then
 * validates the decoded input exactly as it validates one that came over IPC (which clones a
 * Uint8Array as it is). A Blob in the input (a picked `File`, in the page) is sent the same way, its
 * bytes read by the browser as it sends the body: the page never copies the file.
 */

export const JSON_BYTES_HEADER = 'x-goroscope-json-bytes';
export const BINARY_BODY_TYPE = 'application/octet-stream';

export interface BinaryBody {
  /** The input's JSON (UTF-8), the byte arrays replaced by their place after it. */
  json: Uint8Array<ArrayBuffer>;
  /** The byte arrays and Blobs, in the order of their offsets. */
  parts: (Uint8Array<ArrayBuffer> | Blob)[];
}

/** The binary body of `input`, or null when it holds no Uint8Array or Blob (it then travels as plain JSON). */
export function encodeBinaryBody(input: unknown): BinaryBody | null {
  const parts: (Uint8Array<ArrayBuffer> | Blob)[] = [];
  let offset = 0;
  const text = JSON.stringify(input, (_key, value: unknown) => {
    if (!(value instanceof Uint8Array) && !(value instanceof Blob)) return value;
    // The contract types its byte arrays over plain ArrayBuffers (z.instanceof(Uint8Array)).
    parts.push(value as Uint8Array<ArrayBuffer> | Blob);
    const length = value instanceof Blob ? value.size : value.byteLength;
    const place = { $bytes: [offset, length] };
    offset += length;
    return place;
  });
  return parts.length === 0 ? null : { json: new TextEncoder().encode(text), parts };
}

/**
 * The input a binary body carries: its first `jsonBytes` bytes parsed as JSON, each
 * `{"$bytes":[offset,length]}` replaced by that slice of the bytes after the JSON (a view, not a copy).
 * Throws an Error saying what is wrong for a length, JSON or place that does not fit the body.
 */
export function decodeBinaryBody(body: Uint8Array, jsonBytes: number): unknown {
  if (!Number.isSafeInteger(jsonBytes) || jsonBytes < 0 || jsonBytes > body.byteLength) {
    throw new Error(`${JSON_BYTES_HEADER} must be a byte count within the ${body.byteLength} byte body`);
  }
  const text = new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, jsonBytes));
  const rest = body.subarray(jsonBytes);
  return JSON.parse(text, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, '$bytes')) return value;
    const place = (value as { $bytes: unknown }).$bytes;
    if (Object.keys(value).length !== 1 || !Array.isArray(place) || place.length !== 2 || !place.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) {
      throw new Error('a $bytes place must be {"$bytes":[offset,length]} with two whole numbers');
    }
    const [start, length] = place as [number, number];
    if (start + length > rest.byteLength) {
      throw new Error(`$bytes [${start},${length}] runs past the ${rest.byteLength} bytes after the JSON`);
    }
    return rest.subarray(start, start + length);
  }) as unknown;
}
