import type { IncomingMessage, ServerResponse } from 'node:http';
import { requests } from '../../shared/contract.js';
import { isExpectedError } from '../../shared/errors.js';
import { REPLY_FIELDS_HEADER, TEXT_REPLY_TYPE } from '../../shared/text-reply.js';
import type { Api } from '../api/create-api.js';
import { pickEncoding } from './compression.js';

/**
 * Answers `snapshot.raw` with the kept dump's text as the body (`shared/text-reply.ts`), when the
 * client accepts that and brotli: the history's brotli blob goes out as it is, so opening a 56 MB dump
 * costs serve no decompression, JSON escaping or compression, and the page no 60 MB JSON.parse.
 * Returns false, having sent nothing, whenever the JSON reply must answer instead (another request,
 * input its schema refuses, no text kept, an unknown snapshot): that path says why.
 */
export function sendTextReply(req: IncomingMessage, res: ServerResponse, api: Api, name: string, input: unknown): boolean {
  if (name !== 'snapshot.raw' || !accepts(req, TEXT_REPLY_TYPE) || pickEncoding(req.headers) !== 'br') return false;
  const parsed = requests['snapshot.raw'].input.safeParse(input);
  if (!parsed.success) return false;
  let kept: ReturnType<Api['keptDumpText']>;
  try {
    kept = api.keptDumpText(parsed.data.snapshotId);
  } catch (error) {
    if (isExpectedError(error)) return false;
    throw error;
  }
  if (kept === null) return false;
  res.writeHead(200, {
    'content-type': `${TEXT_REPLY_TYPE}; charset=utf-8`,
    'content-encoding': 'br',
    'content-length': kept.brotli.byteLength,
    vary: 'accept, accept-encoding',
    [REPLY_FIELDS_HEADER]: JSON.stringify({ snapshotId: kept.snapshotId, format: kept.format, reason: null }),
  });
  res.end(kept.brotli);
  return true;
}

function accepts(req: IncomingMessage, type: string): boolean {
  return (req.headers.accept ?? '').split(',').some((part) => part.trim().toLowerCase().split(';')[0] === type);
}
