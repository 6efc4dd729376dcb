/**
 * Reading an ISO 20022 pacs.008 (FI to FI customer credit transfer) message into the payment the
 * screening engine reads. The XML arrives from outside, so it is checked before it is parsed: no
 * document type declaration and no entity but XML's five and numeric character references (which
 * shuts out entity-expansion bombs and external entities whatever the parser would do with them;
 * the check reads the whole text, comments included, since a pacs.008 has no use for either),
 * at most 1 MB and 64 levels deep. Elements are found by namespace, not by the prefix text a sender
 * chose, so an element of another vocabulary is never read as a pacs.008 element.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { fail } from '../platform/errors.js';
import { toMinorUnits } from './currency.js';
import { fundingSources, verificationClasses, type FundingSource, type PaymentToScreen, type VerificationClass } from './payment.js';

/** Largest document read, in bytes of UTF-8; the route limits the body too. */
export const MAX_XML_BYTES = 1024 * 1024;
/** Deepest element nesting read; a pacs.008 with a business application header envelope needs about 12. */
export const MAX_XML_DEPTH = 64;

/**
 * pacs.008 versions read: 08 and later. Earlier versions lack the structures this reader maps
 * (BICFI, the current identification choices) and are out of use in the CBPR+ and CIPS migrations.
 */
const PACS008_NAMESPACE = /^urn:iso:std:iso:20022:tech:xsd:pacs\.008\.001\.(\d{2})$/;
const OLDEST_VERSION = 8;

/** The XML namespace, bound to the `xml` prefix by definition. */
const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';

/**
 * An entity reference that is not one of XML's five predefined entities nor a numeric character
 * reference: without a DOCTYPE it is undefined, and it is the mark of an entity attack.
 */
const FOREIGN_ENTITY = /&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[0-9A-Fa-f]+);)[A-Za-z_:][\w.:-]*;/;
const REFERENCE = /&(lt|gt|amp|quot|apos|#\d+|#x[0-9A-Fa-f]+);/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** xs:dateTime: the offset is optional in ISO 20022 (ISODateTime), a missing one meaning local time. */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})?$/;
/** Local time is China time for the institutions Fenghuo supervises. */
const CHINA_OFFSET = '+08:00';

/** An element with its namespace resolved. */
interface XmlElement {
  namespace: string;
  local: string;
  /** Attributes without a prefix, which belong to no namespace (`Ccy`). */
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  // Every value stays text: an id like 00123 or an amount like 10.50 must not become a number.
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  // References are decoded here, once, after the check above; the parser's own entity handling is off.
  processEntities: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: MAX_XML_DEPTH,
});

/**
 * Read a pacs.008.001.08 or later document (a `Document` root, or a `Document` one level inside a
 * business application header envelope) holding one credit transfer. Faults:
 * FH_PAYLOAD_TOO_LARGE (over 1 MB or 64 levels), FH_SCREEN_XML_FORBIDDEN (DOCTYPE or entity),
 * FH_SCREEN_MALFORMED_XML ({ line, col } when known), FH_SCREEN_MESSAGE_UNSUPPORTED (another
 * message, version or namespace, or more than one transaction), FH_VALIDATION for a missing or bad
 * element (field = its path under Document), and the amount and currency errors of toMinorUnits.
 *
 * `CreDtTm` without an offset is local time by ISO 20022; it is read as China time (+08:00).
 * Device, verification class and funding source come from supplementary data, in any namespace:
 * `SplmtryData/Envlp/<any>/{Dvc, VrfctnClss, FndgSrc}`; without `FndgSrc` the funding source is 'other'.
 */
export function readPacs008(xml: string): PaymentToScreen {
  const document = parseDocument(xml);
  return mapPacs008(document);
}

function parseDocument(xml: string): XmlElement {
  if (Buffer.byteLength(xml, 'utf8') > MAX_XML_BYTES) fail('FH_PAYLOAD_TOO_LARGE', { field: 'body', details: { limit: MAX_XML_BYTES } });
  const text = xml.replace(/^\uFEFF/, '');
  // Refused before any parser sees them, so no parser setting or bug can expand or fetch an entity.
  if (/<!DOCTYPE/i.test(text)) fail('FH_SCREEN_XML_FORBIDDEN', { field: 'body', details: { found: 'DOCTYPE' } });
  if (/<!ENTITY/i.test(text)) fail('FH_SCREEN_XML_FORBIDDEN', { field: 'body', details: { found: 'ENTITY' } });
  const entity = FOREIGN_ENTITY.exec(text);
  if (entity) fail('FH_SCREEN_XML_FORBIDDEN', { field: 'body', details: { found: entity[0].slice(0, 40) } });

  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { line, col } = valid.err;
    fail('FH_SCREEN_MALFORMED_XML', { field: 'body', details: { ...(Number.isInteger(line) ? { line } : {}), ...(Number.isInteger(col) ? { col } : {}) } });
  }

  let nodes: OrderedNode[];
  try {
    nodes = parser.parse(text) as OrderedNode[];
  } catch (error) {
    if (error instanceof Error && /nested/i.test(error.message)) fail('FH_PAYLOAD_TOO_LARGE', { field: 'body', details: { maxDepth: MAX_XML_DEPTH } });
    fail('FH_SCREEN_MALFORMED_XML', { field: 'body', cause: error });
  }
  const roots = nodes.filter((node) => elementName(node) !== undefined);
  // The validator lets several top-level elements pass; a document has one.
  if (roots.length !== 1) fail('FH_SCREEN_MALFORMED_XML', { field: 'body', details: { rootElements: roots.length } });
  return toElement(roots[0]!, new Map([['xml', XML_NAMESPACE]]), 1);
}

/** The tag name of an ordered node, or undefined for text, CDATA and comments. */
function elementName(node: OrderedNode): string | undefined {
  return Object.keys(node).find((key) => key !== ':@' && key !== '#text' && key !== '#cdata');
}

/** Resolve namespaces down the tree: each element's xmlns declarations scope its own name and its descendants. */
function toElement(node: OrderedNode, inherited: Map<string, string>, depth: number): XmlElement {
  if (depth > MAX_XML_DEPTH) fail('FH_PAYLOAD_TOO_LARGE', { field: 'body', details: { maxDepth: MAX_XML_DEPTH } });
  const name = elementName(node)!;
  const rawAttributes = (node[':@'] ?? {}) as Record<string, string>;
  let scope = inherited;
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(rawAttributes)) {
    if (key === 'xmlns' || key.startsWith('xmlns:')) {
      if (scope === inherited) scope = new Map(inherited);
      scope.set(key === 'xmlns' ? '' : key.slice(6), decode(value));
    } else if (!key.includes(':')) {
      attributes[key] = decode(value);
    }
  }
  const colon = name.indexOf(':');
  const prefix = colon < 0 ? '' : name.slice(0, colon);
  const namespace = scope.get(prefix);
  // An unbound prefix breaks the Namespaces in XML rules; no default namespace means "no namespace".
  if (namespace === undefined && prefix !== '') fail('FH_SCREEN_MALFORMED_XML', { field: 'body', details: { unboundPrefix: prefix } });

  const children: XmlElement[] = [];
  let text = '';
  for (const child of (node[name] ?? []) as OrderedNode[]) {
    if ('#text' in child) text += decode(String(child['#text']));
    else if ('#cdata' in child) text += ((child['#cdata'] ?? []) as OrderedNode[]).map((part) => String(part['#text'] ?? '')).join('');
    else if (elementName(child) !== undefined) children.push(toElement(child, scope, depth + 1));
  }
  return { namespace: namespace ?? '', local: colon < 0 ? name : name.slice(colon + 1), attributes, children, text };
}

/** Decode the five predefined entities and numeric character references, in one pass. */
function decode(value: string): string {
  return value.replace(REFERENCE, (_, reference: string) => {
    if (!reference.startsWith('#')) return PREDEFINED[reference]!;
    const codePoint = reference[1] === 'x' || reference[1] === 'X' ? Number.parseInt(reference.slice(2), 16) : Number.parseInt(reference.slice(1), 10);
    if (codePoint > 0x10ffff || (codePoint >= 0xd800 && codePoint <= 0xdfff) || codePoint === 0) fail('FH_SCREEN_MALFORMED_XML', { field: 'body', details: { reference: `&${reference};` } });
    return String.fromCodePoint(codePoint);
  });
}

/** Find the pacs.008 Document: the root, or one level inside an envelope that also carries the header. */
function findDocument(root: XmlElement): XmlElement {
  if (root.local === 'Document') return root;
  const documents = root.children.filter((child) => child.local === 'Document');
  if (documents.length === 1) return documents[0]!;
  fail('FH_SCREEN_MESSAGE_UNSUPPORTED', { field: root.local, details: { namespace: root.namespace, expected: 'urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08 or later' } });
}

/** Reads elements of the document's namespace by path, naming the path in faults. */
class Reader {
  constructor(readonly namespace: string) {}

  /** All children of `element` called `local` in the pacs.008 namespace. */
  all(element: XmlElement | undefined, local: string): XmlElement[] {
    return element ? element.children.filter((child) => child.local === local && child.namespace === this.namespace) : [];
  }

  /** The element at `path` below `element` (first of each step), or undefined. */
  at(element: XmlElement | undefined, path: string): XmlElement | undefined {
    let current = element;
    for (const step of path.split('/')) current = this.all(current, step)[0];
    return current;
  }

  text(element: XmlElement | undefined, path: string): string | undefined {
    const found = this.at(element, path);
    return found && found.text !== '' ? found.text : undefined;
  }

  requiredText(element: XmlElement | undefined, path: string, base: string): string {
    const value = this.text(element, path);
    if (value === undefined) fail('FH_VALIDATION', { field: `${base}/${path}` });
    return value;
  }
}

function mapPacs008(root: XmlElement): PaymentToScreen {
  const document = findDocument(root);
  const version = PACS008_NAMESPACE.exec(document.namespace);
  if (document.local !== 'Document' || !version || Number(version[1]) < OLDEST_VERSION) {
    fail('FH_SCREEN_MESSAGE_UNSUPPORTED', { field: 'Document/@xmlns', details: { namespace: document.namespace, expected: 'urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08 or later' } });
  }
  const read = new Reader(document.namespace);
  const transfer = read.at(document, 'FIToFICstmrCdtTrf');
  if (!transfer) fail('FH_VALIDATION', { field: 'FIToFICstmrCdtTrf' });
  const base = 'FIToFICstmrCdtTrf';

  const groupHeader = `${base}/GrpHdr`;
  const numberOfTransactions = read.requiredText(transfer, 'GrpHdr/NbOfTxs', base);
  const transactions = read.all(transfer, 'CdtTrfTxInf');
  // One payment, one decision: a batch would need a decision per transaction and a reply that says which.
  if (numberOfTransactions !== '1') fail('FH_SCREEN_MESSAGE_UNSUPPORTED', { field: `${groupHeader}/NbOfTxs`, details: { reason: 'one transaction per message' } });
  if (transactions.length === 0) fail('FH_VALIDATION', { field: `${base}/CdtTrfTxInf` });
  if (transactions.length > 1) fail('FH_SCREEN_MESSAGE_UNSUPPORTED', { field: `${base}/CdtTrfTxInf`, details: { reason: 'one transaction per message' } });
  const tx = transactions[0];
  const txPath = `${base}/CdtTrfTxInf`;

  const initiatedAt = readDateTime(read.requiredText(transfer, 'GrpHdr/CreDtTm', base), `${groupHeader}/CreDtTm`);

  const endToEndId = read.requiredText(tx, 'PmtId/EndToEndId', txPath);
  const paymentId = endToEndId === 'NOTPROVIDED' ? read.requiredText(tx, 'PmtId/TxId', txPath) : endToEndId;
  const paymentIdPath = endToEndId === 'NOTPROVIDED' ? `${txPath}/PmtId/TxId` : `${txPath}/PmtId/EndToEndId`;
  if (paymentId.length > 64) fail('FH_VALIDATION', { field: paymentIdPath, details: { maxLength: 64 } });

  const amountPath = `${txPath}/IntrBkSttlmAmt`;
  const amount = read.at(tx, 'IntrBkSttlmAmt');
  if (!amount || amount.text === '') fail('FH_SCREEN_AMOUNT_INVALID', { field: amountPath });
  const currency = amount.attributes['Ccy'];
  if (currency === undefined || currency === '') fail('FH_VALIDATION', { field: `${amountPath}/@Ccy` });
  const { amountMinor, minorUnits } = toMinorUnits(amount.text, currency, amountPath, `${amountPath}/@Ccy`);

  const residentId = read
    .all(read.at(tx, 'Dbtr/Id/PrvtId'), 'Othr')
    .find((other) => read.text(other, 'SchmeNm/Cd') === 'NIDN');
  const payerAccount = read.text(tx, 'DbtrAcct/Id/IBAN') ?? read.text(tx, 'DbtrAcct/Id/Othr/Id');
  if (payerAccount === undefined) fail('FH_VALIDATION', { field: `${txPath}/DbtrAcct/Id` });
  const payeeAccount = read.text(tx, 'CdtrAcct/Id/IBAN') ?? read.text(tx, 'CdtrAcct/Id/Othr/Id');
  if (payeeAccount === undefined) fail('FH_VALIDATION', { field: `${txPath}/CdtrAcct/Id` });
  if (payerAccount.length > 64) fail('FH_VALIDATION', { field: `${txPath}/DbtrAcct/Id`, details: { maxLength: 64 } });
  if (payeeAccount.length > 64) fail('FH_VALIDATION', { field: `${txPath}/CdtrAcct/Id`, details: { maxLength: 64 } });

  const extra = readSupplementaryData(read.all(tx, 'SplmtryData').concat(read.all(transfer, 'SplmtryData')), read, txPath);

  const payer: PaymentToScreen['payer'] = { account: payerAccount };
  const payerName = read.text(tx, 'Dbtr/Nm');
  if (payerName !== undefined) payer.name = payerName;
  const phone = read.text(tx, 'Dbtr/CtctDtls/MobNb');
  if (phone !== undefined) payer.phone = phone;
  const residentIdText = read.text(residentId, 'Id');
  if (residentIdText !== undefined) payer.residentId = residentIdText;
  if (extra.verificationClass !== undefined) payer.verificationClass = extra.verificationClass;

  const payee: PaymentToScreen['payee'] = { account: payeeAccount };
  const payeeName = read.text(tx, 'Cdtr/Nm');
  if (payeeName !== undefined) payee.name = payeeName;
  const agent = read.text(tx, 'CdtrAgt/FinInstnId/BICFI') ?? read.text(tx, 'CdtrAgt/FinInstnId/ClrSysMmbId/MmbId');
  if (agent !== undefined) payee.agent = agent;

  const payment: PaymentToScreen = { paymentId, initiatedAt, currency, amountMinor, minorUnits, payer, payee, fundingSource: extra.fundingSource ?? 'other', format: 'pacs.008' };
  const purpose = read.text(tx, 'Purp/Cd') ?? read.text(tx, 'Purp/Prtry');
  if (purpose !== undefined) payment.purpose = purpose;
  if (extra.device !== undefined) payment.device = extra.device;
  return payment;
}

/**
 * Read an ISODateTime, adding China time's offset when it has none. The calendar date and time
 * are checked too: 2026-02-30 matches the pattern but is no day.
 */
export function readDateTime(value: string, field: string): string {
  const match = ISO_DATE_TIME.exec(value);
  if (!match) fail('FH_VALIDATION', { field, details: { expected: 'ISO 8601 date-time' } });
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const offset = match[8];
  const utc = new Date(Date.UTC(year!, month! - 1, day!, hour!, minute!, second!));
  const real = utc.getUTCFullYear() === year && utc.getUTCMonth() === month! - 1 && utc.getUTCDate() === day && hour! < 24 && minute! < 60 && second! < 60;
  const offsetValid = offset === undefined || offset === 'Z' || (Number(offset.slice(1, 3)) <= 14 && Number(offset.slice(4, 6)) < 60);
  if (!real || !offsetValid) fail('FH_VALIDATION', { field, details: { expected: 'ISO 8601 date-time' } });
  return offset === undefined ? `${value}${CHINA_OFFSET}` : value;
}

interface SupplementaryData {
  device?: string;
  verificationClass?: VerificationClass;
  fundingSource?: FundingSource;
}

/**
 * Fenghuo's fields in supplementary data: `SplmtryData/Envlp/<element of any namespace>/` with
 * `Dvc`, `VrfctnClss` (I, II or III) and `FndgSrc` (balance, bank_card, other), matched by local
 * name because the envelope's content is the sender's own vocabulary. The first value found wins.
 */
function readSupplementaryData(blocks: XmlElement[], read: Reader, txPath: string): SupplementaryData {
  const found: SupplementaryData = {};
  const path = `${txPath}/SplmtryData/Envlp`;
  for (const block of blocks) {
    for (const envelope of read.all(block, 'Envlp')) {
      for (const content of envelope.children) {
        for (const field of content.children) {
          if (field.text === '') continue;
          if (field.local === 'Dvc' && found.device === undefined) {
            if (field.text.length > 128) fail('FH_VALIDATION', { field: `${path}/${content.local}/Dvc`, details: { maxLength: 128 } });
            found.device = field.text;
          } else if (field.local === 'VrfctnClss' && found.verificationClass === undefined) {
            const value = field.text as VerificationClass;
            if (!verificationClasses.includes(value)) fail('FH_VALIDATION', { field: `${path}/${content.local}/VrfctnClss`, details: { allowed: verificationClasses } });
            found.verificationClass = value;
          } else if (field.local === 'FndgSrc' && found.fundingSource === undefined) {
            const value = field.text as FundingSource;
            if (!fundingSources.includes(value)) fail('FH_VALIDATION', { field: `${path}/${content.local}/FndgSrc`, details: { allowed: fundingSources } });
            found.fundingSource = value;
          }
        }
      }
    }
  }
  return found;
}
