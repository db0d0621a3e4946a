/**
 * A reply whose value is mostly one long text (`snapshot.raw`: a 56 MB dump) may travel over HTTP as
 * that text: `Content-Type: text/plain`, the value's other fields as JSON in the
 * `x-goroscope-reply` header, the text as the body. A client says it takes such replies with
 * `Accept: text/plain`; the server still answers the JSON envelope whenever it likes (errors always).
 */

export const TEXT_REPLY_TYPE = 'text/plain';
export const REPLY_FIELDS_HEADER = 'x-goroscope-reply';

/** The reply's value back from the header's fields and the body's text (`text` is the value's text field). */
export function valueOfTextReply(fieldsJson: string, text: string): unknown {
  const fields = JSON.parse(fieldsJson) as unknown;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) throw new Error(`${REPLY_FIELDS_HEADER} is not a JSON object`);
  return { ...fields, text };
}
