/**
 * Reading the shortened JSON pacs.008 that Tazama's transaction-monitoring service (TMS) takes at
 * `POST /v1/evaluate/iso20022/pacs.008.001.10`, so an institution already sending that to Tazama can
 * send the same body here. The shape follows Tazama's published interface (frms-coe-lib
 * `Pacs.008.001.10.ts`) and the TMS request schema: the amount is `IntrBkSttlmAmt.Amt.{Amt, Ccy}`
 * with `Amt` a JSON number (decimal text is read too), and identifiers are `Othr` entries `{ Id, SchmeNm: { Prtry } }`. Older
 * Tazama samples carry a single `Othr` object instead of an array; both are read.
 */
import { fail } from '../platform/errors.js';
import { toMinorUnits } from './currency.js';
import { readDateTime } from './iso20022.js';
import { fundingSources, verificationClasses, type FundingSource, type PaymentToScreen, type VerificationClass } from './payment.js';

const TX_TYPE = /^pacs\.008\.001\.(\d{2})$/;
const OLDEST_VERSION = 8;
const MAX_ID_LENGTH = 64;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `path`, or undefined when absent; anything else there is a fault. */
function object(value: unknown, path: string, required: boolean): Json | undefined {
  if (value === undefined || value === null) {
    if (required) fail('FH_VALIDATION', { field: path });
    return undefined;
  }
  if (!isObject(value)) fail('FH_VALIDATION', { field: path, details: { expected: 'object' } });
  return value;
}

function text(value: unknown, path: string, required: boolean, maxLength = 140): string | undefined {
  if (value === undefined || value === null || value === '') {
    if (required) fail('FH_VALIDATION', { field: path });
    return undefined;
  }
  if (typeof value !== 'string') fail('FH_VALIDATION', { field: path, details: { expected: 'string' } });
  if (value.length > maxLength) fail('FH_VALIDATION', { field: path, details: { maxLength } });
  return value;
}

/** `Othr` as Tazama sends it now (an array) or in older samples (one object), as a list. */
function others(value: unknown, path: string): { entry: Json; path: string }[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.map((entry, index) => ({ entry: object(entry, `${path}[${index}]`, true)!, path: `${path}[${index}]` }));
  return [{ entry: object(value, path, true)!, path }];
}

/** An account: `Id.IBAN`, or the `Id` of the first `Id.Othr` entry. */
function account(value: unknown, path: string): string {
  const acct = object(value, path, true)!;
  const id = object(acct['Id'], `${path}.Id`, true)!;
  const iban = text(id['IBAN'], `${path}.Id.IBAN`, false, MAX_ID_LENGTH);
  if (iban !== undefined) return iban;
  const first = others(id['Othr'], `${path}.Id.Othr`)[0];
  if (!first) fail('FH_VALIDATION', { field: `${path}.Id.Othr` });
  return text(first.entry['Id'], `${first.path}.Id`, true, MAX_ID_LENGTH)!;
}

/**
 * Read a Tazama pacs.008 body (`TxTp` pacs.008.001.08 or later) holding one transaction. Faults:
 * FH_SCREEN_MESSAGE_UNSUPPORTED (another `TxTp`, or more than one transaction), FH_VALIDATION with
 * the `body.…` path of a missing or mistyped field, and the amount and currency errors of
 * toMinorUnits at `body.FIToFICstmrCdtTrf.CdtTrfTxInf.IntrBkSttlmAmt.Amt.Amt` / `.Ccy`.
 *
 * The payer's resident identity is the `Dbtr.Id.PrvtId.Othr` entry whose `SchmeNm.Prtry` (or
 * `SchmeNm.Cd`) is `NIDN`; the mobile number is `Dbtr.CtctDtls.MobNb`. Device, verification class
 * and funding source are read from `SplmtryData.Envlp.<any>.{Dvc, VrfctnClss, FndgSrc}` as in XML.
 */
export function readTazamaPacs008(body: unknown): PaymentToScreen {
  const root = object(body, 'body', true)!;
  const txType = root['TxTp'];
  const version = typeof txType === 'string' ? TX_TYPE.exec(txType) : null;
  if (!version || Number(version[1]) < OLDEST_VERSION) fail('FH_SCREEN_MESSAGE_UNSUPPORTED', { field: 'body.TxTp', details: { expected: 'pacs.008.001.08 or later' } });

  const base = 'body.FIToFICstmrCdtTrf';
  const transfer = object(root['FIToFICstmrCdtTrf'], base, true)!;
  const header = object(transfer['GrpHdr'], `${base}.GrpHdr`, true)!;
  const count = header['NbOfTxs'];
  if (count === undefined) fail('FH_VALIDATION', { field: `${base}.GrpHdr.NbOfTxs` });
  // One payment, one decision (Tazama's own schema has one CdtTrfTxInf object too).
  if (count !== 1 && count !== '1') fail('FH_SCREEN_MESSAGE_UNSUPPORTED', { field: `${base}.GrpHdr.NbOfTxs`, details: { reason: 'one transaction per message' } });
  const initiatedAt = readDateTime(text(header['CreDtTm'], `${base}.GrpHdr.CreDtTm`, true)!, `${base}.GrpHdr.CreDtTm`);

  let txValue = transfer['CdtTrfTxInf'];
  if (Array.isArray(txValue)) {
    if (txValue.length > 1) fail('FH_SCREEN_MESSAGE_UNSUPPORTED', { field: `${base}.CdtTrfTxInf`, details: { reason: 'one transaction per message' } });
    txValue = txValue[0];
  }
  const txPath = `${base}.CdtTrfTxInf`;
  const tx = object(txValue, txPath, true)!;

  const paymentIds = object(tx['PmtId'], `${txPath}.PmtId`, true)!;
  const endToEndId = text(paymentIds['EndToEndId'], `${txPath}.PmtId.EndToEndId`, true, MAX_ID_LENGTH)!;
  const paymentId = endToEndId === 'NOTPROVIDED' ? text(paymentIds['TxId'], `${txPath}.PmtId.TxId`, true, MAX_ID_LENGTH)! : endToEndId;

  const amountPath = `${txPath}.IntrBkSttlmAmt.Amt`;
  const settlement = object(tx['IntrBkSttlmAmt'], `${txPath}.IntrBkSttlmAmt`, false);
  const amount = settlement ? object(settlement['Amt'], amountPath, false) : undefined;
  const value = amount?.['Amt'];
  if (typeof value !== 'number' && typeof value !== 'string') fail('FH_SCREEN_AMOUNT_INVALID', { field: `${amountPath}.Amt` });
  const currency = text(amount!['Ccy'], `${amountPath}.Ccy`, true, 3)!;
  const { amountMinor, minorUnits } = toMinorUnits(value, currency, `${amountPath}.Amt`, `${amountPath}.Ccy`);

  const debtor = object(tx['Dbtr'], `${txPath}.Dbtr`, false);
  const payer: PaymentToScreen['payer'] = { account: account(tx['DbtrAcct'], `${txPath}.DbtrAcct`) };
  if (debtor) {
    const name = text(debtor['Nm'], `${txPath}.Dbtr.Nm`, false);
    if (name !== undefined) payer.name = name;
    const contact = object(debtor['CtctDtls'], `${txPath}.Dbtr.CtctDtls`, false);
    const phone = contact ? text(contact['MobNb'], `${txPath}.Dbtr.CtctDtls.MobNb`, false, 40) : undefined;
    if (phone !== undefined) payer.phone = phone;
    const id = object(debtor['Id'], `${txPath}.Dbtr.Id`, false);
    const privateId = id ? object(id['PrvtId'], `${txPath}.Dbtr.Id.PrvtId`, false) : undefined;
    for (const { entry, path } of others(privateId?.['Othr'], `${txPath}.Dbtr.Id.PrvtId.Othr`)) {
      const scheme = object(entry['SchmeNm'], `${path}.SchmeNm`, false);
      if (scheme?.['Prtry'] === 'NIDN' || scheme?.['Cd'] === 'NIDN') {
        payer.residentId = text(entry['Id'], `${path}.Id`, true, MAX_ID_LENGTH)!;
        break;
      }
    }
  }

  const creditor = object(tx['Cdtr'], `${txPath}.Cdtr`, false);
  const payee: PaymentToScreen['payee'] = { account: account(tx['CdtrAcct'], `${txPath}.CdtrAcct`) };
  const payeeName = creditor ? text(creditor['Nm'], `${txPath}.Cdtr.Nm`, false) : undefined;
  if (payeeName !== undefined) payee.name = payeeName;
  const agentPath = `${txPath}.CdtrAgt.FinInstnId`;
  const agentId = object(object(tx['CdtrAgt'], `${txPath}.CdtrAgt`, false)?.['FinInstnId'], agentPath, false);
  const agent = agentId ? (text(agentId['BICFI'], `${agentPath}.BICFI`, false, 11) ?? text(object(agentId['ClrSysMmbId'], `${agentPath}.ClrSysMmbId`, false)?.['MmbId'], `${agentPath}.ClrSysMmbId.MmbId`, false, 35)) : undefined;
  if (agent !== undefined) payee.agent = agent;

  const extra = readSupplementaryData(transfer['SplmtryData'], `${base}.SplmtryData`);
  if (extra.verificationClass !== undefined) payer.verificationClass = extra.verificationClass;

  const payment: PaymentToScreen = { paymentId, initiatedAt, currency, amountMinor, minorUnits, payer, payee, fundingSource: extra.fundingSource ?? 'other', format: 'tazama' };
  const purposes = object(tx['Purp'], `${txPath}.Purp`, false);
  const purpose = purposes ? (text(purposes['Cd'], `${txPath}.Purp.Cd`, false, 35) ?? text(purposes['Prtry'], `${txPath}.Purp.Prtry`, false, 35)) : undefined;
  if (purpose !== undefined) payment.purpose = purpose;
  if (extra.device !== undefined) payment.device = extra.device;
  return payment;
}

/** Fenghuo's fields in `SplmtryData.Envlp.<any>` (Tazama puts its own under `Envlp.Doc`). */
function readSupplementaryData(value: unknown, path: string): { device?: string; verificationClass?: VerificationClass; fundingSource?: FundingSource } {
  const found: { device?: string; verificationClass?: VerificationClass; fundingSource?: FundingSource } = {};
  const blocks = Array.isArray(value) ? value : [value];
  for (const block of blocks) {
    if (!isObject(block) || !isObject(block['Envlp'])) continue;
    for (const [key, content] of Object.entries(block['Envlp'])) {
      if (!isObject(content)) continue;
      const at = `${path}.Envlp.${key}`;
      const device = text(content['Dvc'], `${at}.Dvc`, false, 128);
      if (device !== undefined) found.device ??= device;
      const verification = text(content['VrfctnClss'], `${at}.VrfctnClss`, false);
      if (verification !== undefined) {
        if (!verificationClasses.includes(verification as VerificationClass)) fail('FH_VALIDATION', { field: `${at}.VrfctnClss`, details: { allowed: verificationClasses } });
        found.verificationClass ??= verification as VerificationClass;
      }
      const funding = text(content['FndgSrc'], `${at}.FndgSrc`, false);
      if (funding !== undefined) {
        if (!fundingSources.includes(funding as FundingSource)) fail('FH_VALIDATION', { field: `${at}.FndgSrc`, details: { allowed: fundingSources } });
        found.fundingSource ??= funding as FundingSource;
      }
    }
  }
  return found;
}
