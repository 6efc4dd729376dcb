/**
 * Choosing the reader for a payment from its content type and, for JSON, its shape: one screening
 * route takes all three forms, so an institution sends what its systems already produce.
 */
import { fail } from '../platform/errors.js';
import { readPacs008 } from './iso20022.js';
import { readNativePayment } from './native.js';
import type { PaymentToScreen } from './payment.js';
import { readTazamaPacs008 } from './tazama.js';

/** `application/xml`, `text/xml` and any `application/<something>+xml` (e.g. `application/pacs.008+xml`). */
function isXml(mediaType: string): boolean {
  return mediaType === 'application/xml' || mediaType === 'text/xml' || /^application\/[\w.+-]+\+xml$/.test(mediaType);
}

/**
 * Read a payment whatever its form. XML content types go to the pacs.008 reader, which needs the
 * body as text; a JSON object with a `TxTp` or `FIToFICstmrCdtTrf` key is Tazama's pacs.008;
 * any other JSON is Fenghuo's own form. A JSON body given as text is parsed first
 * (FH_MALFORMED_JSON when it is not JSON). Other content types: FH_UNSUPPORTED_MEDIA_TYPE.
 */
export function readPayment(contentType: string, body: unknown): PaymentToScreen {
  // Parameters such as `; charset=utf-8` do not change the reader.
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (isXml(mediaType)) {
    if (typeof body === 'string') return readPacs008(body);
    if (Buffer.isBuffer(body)) return readPacs008(body.toString('utf8'));
    fail('FH_VALIDATION', { field: 'body', details: { expected: 'XML text' } });
  }
  if (mediaType !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(mediaType)) fail('FH_UNSUPPORTED_MEDIA_TYPE', { details: { contentType: mediaType } });

  let json = body;
  if (typeof body === 'string') {
    try {
      json = JSON.parse(body) as unknown;
    } catch (error) {
      fail('FH_MALFORMED_JSON', { field: 'body', cause: error });
    }
  }
  if (typeof json === 'object' && json !== null && !Array.isArray(json) && ('TxTp' in json || 'FIToFICstmrCdtTrf' in json)) return readTazamaPacs008(json);
  return readNativePayment(json);
}
