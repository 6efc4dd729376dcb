import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { FhError } from '../platform/errors.js';
import { currencyMinorUnits, toMinorUnits } from './currency.js';
import { readPacs008 } from './iso20022.js';
import { readTazamaPacs008 } from './tazama.js';
import { readNativePayment } from './native.js';
import { readPayment } from './detect.js';
import { paymentHashText, type PaymentToScreen } from './payment.js';
import { canonicalJson } from '../platform/canonical-json.js';

/** The code and field of the FhError `run` throws. */
function faultOf(run: () => unknown): { code: string; field: string | undefined; details?: Record<string, unknown> } {
  try {
    run();
  } catch (error) {
    if (error instanceof FhError) return { code: error.code, field: error.field, ...(error.details ? { details: error.details } : {}) };
    throw error;
  }
  throw new Error('expected an FhError');
}

const NS = (version: string) => `urn:iso:std:iso:20022:tech:xsd:pacs.008.001.${version}`;

interface SampleOptions {
  version?: string;
  amount?: string;
  currency?: string;
  creationTime?: string;
  transactions?: number;
  numberOfTransactions?: string;
  extra?: string;
}

/** A pacs.008 credit transfer, un-prefixed (default namespace). */
function sample(options: SampleOptions = {}): string {
  const { version = '08', amount = '1250.00', currency = 'CNY', creationTime = '2026-03-01T09:30:00+08:00', transactions = 1, numberOfTransactions = String(transactions), extra = '' } = options;
  const amountElement = amount === '' ? '' : `<IntrBkSttlmAmt Ccy="${currency}">${amount}</IntrBkSttlmAmt>`;
  const tx = `
    <CdtTrfTxInf>
      <PmtId><InstrId>INSTR-1</InstrId><EndToEndId>E2E-20260301-0001</EndToEndId><TxId>TX-1</TxId></PmtId>
      ${amountElement}
      <ChrgBr>SLEV</ChrgBr>
      <Dbtr>
        <Nm>张三 &amp; Co</Nm>
        <Id><PrvtId><Othr><Id>110101199003074514</Id><SchmeNm><Cd>NIDN</Cd></SchmeNm></Othr></PrvtId></Id>
        <CtctDtls><MobNb>+86-13800138000</MobNb></CtctDtls>
      </Dbtr>
      <DbtrAcct><Id><Othr><Id>6222020200112233445</Id></Othr></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>ICBKCNBJXXX</BICFI></FinInstnId></DbtrAgt>
      <CdtrAgt><FinInstnId><ClrSysMmbId><MmbId>102100099996</MmbId></ClrSysMmbId></FinInstnId></CdtrAgt>
      <Cdtr><Nm>&#26446;四</Nm></Cdtr>
      <CdtrAcct><Id><IBAN>DE89370400440532013000</IBAN></Id></CdtrAcct>
      <Purp><Cd>MP2P</Cd></Purp>
      ${extra}
    </CdtTrfTxInf>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="${NS(version)}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <FIToFICstmrCdtTrf>
    <GrpHdr>
      <MsgId>MSG-20260301-0001</MsgId>
      <CreDtTm>${creationTime}</CreDtTm>
      <NbOfTxs>${numberOfTransactions}</NbOfTxs>
      <SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf>
    </GrpHdr>${tx.repeat(transactions)}
  </FIToFICstmrCdtTrf>
</Document>`;
}

/** The same document with every element in prefix `p:`. */
function prefixed(xml: string, prefix = 'p'): string {
  return xml
    .replace(/<(\/?)([A-Za-z]+)([\s>])/g, `<$1${prefix}:$2$3`)
    .replace(`xmlns="`, `xmlns:${prefix}="`);
}

const supplementary = '<SplmtryData><Envlp><Fenghuo xmlns="urn:fenghuo:screening"><Dvc>dev-7f3a</Dvc><VrfctnClss>II</VrfctnClss><FndgSrc>balance</FndgSrc></Fenghuo></Envlp></SplmtryData>';

describe('currency', () => {
  it('gives ISO 4217 minor units for active codes and nothing for codes without them', () => {
    expect(currencyMinorUnits('CNY')).toBe(2);
    expect(currencyMinorUnits('JPY')).toBe(0);
    expect(currencyMinorUnits('KWD')).toBe(3);
    expect(currencyMinorUnits('CLF')).toBe(4);
    expect(currencyMinorUnits('XAU')).toBeUndefined();
    expect(currencyMinorUnits('XXX')).toBeUndefined();
    expect(currencyMinorUnits('ABC')).toBeUndefined();
    expect(currencyMinorUnits('cny')).toBeUndefined();
  });

  it('parses amounts exactly', () => {
    expect(toMinorUnits('10.50', 'CNY', 'f')).toEqual({ amountMinor: 1050, minorUnits: 2 });
    expect(toMinorUnits('10.5', 'CNY', 'f').amountMinor).toBe(1050);
    expect(toMinorUnits('10.500', 'CNY', 'f').amountMinor).toBe(1050);
    expect(toMinorUnits('100', 'JPY', 'f')).toEqual({ amountMinor: 100, minorUnits: 0 });
    expect(toMinorUnits('1.234', 'KWD', 'f')).toEqual({ amountMinor: 1234, minorUnits: 3 });
    expect(toMinorUnits(0.3, 'CNY', 'f').amountMinor).toBe(30);
    expect(toMinorUnits(31020.89, 'USD', 'f').amountMinor).toBe(3102089);
    expect(toMinorUnits('90071992547409.91', 'CNY', 'f').amountMinor).toBe(Number.MAX_SAFE_INTEGER);
  });

  it('refuses amounts that are not plain positive decimals within range', () => {
    for (const bad of ['-5', '0', '0.00', '1e3', '1E3', 'NaN', 'Infinity', ' 5', '.5', '5.', '+5', '', '1,000', '90071992547409.92', '1234567890123456789']) {
      expect(faultOf(() => toMinorUnits(bad, 'CNY', 'f')), bad).toMatchObject({ code: 'FH_SCREEN_AMOUNT_INVALID', field: 'f' });
    }
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e21, 1e-7]) {
      expect(faultOf(() => toMinorUnits(bad, 'CNY', 'f')).code, String(bad)).toBe('FH_SCREEN_AMOUNT_INVALID');
    }
    // 0.1 + 0.2 is not 0.3 as a double: its shortest text has 17 decimals, which CNY cannot hold.
    expect(faultOf(() => toMinorUnits(0.1 + 0.2, 'CNY', 'f')).code).toBe('FH_SCREEN_AMOUNT_PRECISION');
  });

  it('refuses more decimals than the currency has, and unknown currencies', () => {
    expect(faultOf(() => toMinorUnits('12.345', 'CNY', 'f'))).toEqual({ code: 'FH_SCREEN_AMOUNT_PRECISION', field: 'f', details: { currency: 'CNY', minorUnits: 2 } });
    expect(faultOf(() => toMinorUnits('10.501', 'CNY', 'f')).code).toBe('FH_SCREEN_AMOUNT_PRECISION');
    expect(faultOf(() => toMinorUnits('100.5', 'JPY', 'f')).details).toEqual({ currency: 'JPY', minorUnits: 0 });
    expect(faultOf(() => toMinorUnits('1', 'ABC', 'f', 'c'))).toMatchObject({ code: 'FH_SCREEN_CURRENCY_UNKNOWN', field: 'c' });
    expect(faultOf(() => toMinorUnits('1', 'XAU', 'f')).code).toBe('FH_SCREEN_CURRENCY_UNKNOWN');
  });

  it('gets back the integer it formatted, for any minor units', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(['JPY', 0], ['CNY', 2], ['KWD', 3], ['CLF', 4]), fc.nat({ max: 3 }), (minor, [currency, digits], padding) => {
        const text = String(minor).padStart(Number(digits) + 1, '0');
        const decimal = Number(digits) === 0 ? text : `${text.slice(0, -Number(digits))}.${text.slice(-Number(digits))}${'0'.repeat(padding)}`;
        expect(toMinorUnits(decimal, String(currency), 'f')).toEqual({ amountMinor: minor, minorUnits: digits });
      }),
    );
  });
});

describe('pacs.008 XML', () => {
  it('reads a pacs.008.001.08 document in the default namespace', () => {
    expect(readPacs008(sample())).toEqual({
      paymentId: 'E2E-20260301-0001',
      initiatedAt: '2026-03-01T09:30:00+08:00',
      currency: 'CNY',
      amountMinor: 125000,
      minorUnits: 2,
      payer: { account: '6222020200112233445', residentId: '110101199003074514', phone: '+86-13800138000', name: '张三 & Co' },
      payee: { account: 'DE89370400440532013000', name: '李四', agent: '102100099996' },
      fundingSource: 'other',
      purpose: 'MP2P',
      format: 'pacs.008',
    });
  });

  it('reads a prefixed pacs.008.001.10 document with supplementary data', () => {
    const xml = prefixed(sample({ version: '10', extra: supplementary }));
    expect(xml).toContain('<p:Document xmlns:p=');
    const payment = readPacs008(xml);
    expect(payment).toMatchObject({ paymentId: 'E2E-20260301-0001', amountMinor: 125000, device: 'dev-7f3a', fundingSource: 'balance', payer: { verificationClass: 'II' } });
  });

  it('reads .13 and a document inside a header envelope', () => {
    expect(readPacs008(sample({ version: '13' })).amountMinor).toBe(125000);
    const inner = sample().replace(/^<\?xml[^>]*>\s*/, '');
    const enveloped = `<Envelope xmlns="urn:example:envelope"><AppHdr xmlns="urn:iso:std:iso:20022:tech:xsd:head.001.001.02"><MsgDefIdr>pacs.008.001.08</MsgDefIdr></AppHdr>${inner}</Envelope>`;
    expect(readPacs008(enveloped).paymentId).toBe('E2E-20260301-0001');
  });

  it('uses TxId when EndToEndId is NOTPROVIDED, and reads a time without offset as China time', () => {
    const xml = sample({ creationTime: '2026-03-01T09:30:00.123' }).replace('E2E-20260301-0001', 'NOTPROVIDED');
    const payment = readPacs008(xml);
    expect(payment.paymentId).toBe('TX-1');
    expect(payment.initiatedAt).toBe('2026-03-01T09:30:00.123+08:00');
  });

  it('does not read an element of another namespace as a pacs.008 element', () => {
    // The Dbtr here is in a foreign namespace although its local name matches.
    const xml = sample().replace('<Dbtr>', '<x:Dbtr xmlns:x="urn:other">').replace('</Dbtr>', '</x:Dbtr>');
    const payment = readPacs008(xml);
    expect(payment.payer.name).toBeUndefined();
    expect(payment.payer.residentId).toBeUndefined();
    // A prefix bound to another namespace on the root is not pacs.008, whatever the prefix text says.
    const spoofed = prefixed(sample()).replace(`xmlns:p="${NS('08')}"`, 'xmlns:p="urn:other"');
    expect(faultOf(() => readPacs008(spoofed)).code).toBe('FH_SCREEN_MESSAGE_UNSUPPORTED');
  });

  it('refuses malformed XML with the line and column', () => {
    const fault = faultOf(() => readPacs008('<Document>\n  <FIToFICstmrCdtTrf>\n</Document>'));
    expect(fault.code).toBe('FH_SCREEN_MALFORMED_XML');
    expect(fault.details).toMatchObject({ line: expect.any(Number) as number, col: expect.any(Number) as number });
    expect(faultOf(() => readPacs008('')).code).toBe('FH_SCREEN_MALFORMED_XML');
    expect(faultOf(() => readPacs008('<a/><b/>')).code).toBe('FH_SCREEN_MALFORMED_XML');
    expect(faultOf(() => readPacs008('<p:Document/>')).code).toBe('FH_SCREEN_MALFORMED_XML');
  });

  it('refuses a billion-laughs bomb at once, without expanding it', () => {
    const entities = ['<!ENTITY lol "lol">'];
    for (let i = 1; i <= 9; i++) entities.push(`<!ENTITY lol${i} "${`&lol${i === 1 ? '' : i - 1};`.repeat(10)}">`);
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [${entities.join('')}]><Document xmlns="${NS('08')}">&lol9;</Document>`;
    const started = performance.now();
    expect(faultOf(() => readPacs008(bomb)).code).toBe('FH_SCREEN_XML_FORBIDDEN');
    expect(performance.now() - started).toBeLessThan(100);
  });

  it('refuses an external entity and any undeclared entity reference', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><Document xmlns="${NS('08')}"><FIToFICstmrCdtTrf>&xxe;</FIToFICstmrCdtTrf></Document>`;
    expect(faultOf(() => readPacs008(xxe))).toMatchObject({ code: 'FH_SCREEN_XML_FORBIDDEN', field: 'body' });
    expect(faultOf(() => readPacs008(sample().replace('MP2P', '&nbsp;'))).code).toBe('FH_SCREEN_XML_FORBIDDEN');
    expect(faultOf(() => readPacs008(sample().replace('<Purp>', '<!ENTITY x "y"><Purp>'))).code).toBe('FH_SCREEN_XML_FORBIDDEN');
  });

  it('refuses other messages, versions and namespaces', () => {
    expect(faultOf(() => readPacs008(sample({ version: '02' })))).toMatchObject({ code: 'FH_SCREEN_MESSAGE_UNSUPPORTED', field: 'Document/@xmlns' });
    expect(faultOf(() => readPacs008(sample({ version: '07' }))).code).toBe('FH_SCREEN_MESSAGE_UNSUPPORTED');
    const pacs009 = sample().replace(NS('08'), 'urn:iso:std:iso:20022:tech:xsd:pacs.009.001.08');
    expect(faultOf(() => readPacs008(pacs009))).toMatchObject({ code: 'FH_SCREEN_MESSAGE_UNSUPPORTED', details: { namespace: 'urn:iso:std:iso:20022:tech:xsd:pacs.009.001.08' } });
    const pain001 = sample().replace(NS('08'), 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09');
    expect(faultOf(() => readPacs008(pain001)).code).toBe('FH_SCREEN_MESSAGE_UNSUPPORTED');
    expect(faultOf(() => readPacs008(sample().replace(` xmlns="${NS('08')}"`, ''))).code).toBe('FH_SCREEN_MESSAGE_UNSUPPORTED');
  });

  it('refuses more than one transaction', () => {
    expect(faultOf(() => readPacs008(sample({ transactions: 2 })))).toMatchObject({ code: 'FH_SCREEN_MESSAGE_UNSUPPORTED', field: 'FIToFICstmrCdtTrf/GrpHdr/NbOfTxs' });
    expect(faultOf(() => readPacs008(sample({ transactions: 2, numberOfTransactions: '1' })))).toMatchObject({ code: 'FH_SCREEN_MESSAGE_UNSUPPORTED', field: 'FIToFICstmrCdtTrf/CdtTrfTxInf' });
  });

  it('names the path of a missing or bad element', () => {
    const amount = 'FIToFICstmrCdtTrf/CdtTrfTxInf/IntrBkSttlmAmt';
    expect(faultOf(() => readPacs008(sample({ amount: '' })))).toMatchObject({ code: 'FH_SCREEN_AMOUNT_INVALID', field: amount });
    expect(faultOf(() => readPacs008(sample({ amount: '-5.00' })))).toMatchObject({ code: 'FH_SCREEN_AMOUNT_INVALID', field: amount });
    expect(faultOf(() => readPacs008(sample({ amount: '0.00' }))).code).toBe('FH_SCREEN_AMOUNT_INVALID');
    expect(faultOf(() => readPacs008(sample({ amount: '1.5E3' }))).code).toBe('FH_SCREEN_AMOUNT_INVALID');
    expect(faultOf(() => readPacs008(sample({ amount: '12.345' })))).toMatchObject({ code: 'FH_SCREEN_AMOUNT_PRECISION', field: amount });
    expect(faultOf(() => readPacs008(sample({ currency: 'ABC' })))).toMatchObject({ code: 'FH_SCREEN_CURRENCY_UNKNOWN', field: `${amount}/@Ccy` });
    expect(readPacs008(sample({ amount: '100', currency: 'JPY' })).amountMinor).toBe(100);
    expect(faultOf(() => readPacs008(sample({ amount: '100.5', currency: 'JPY' }))).code).toBe('FH_SCREEN_AMOUNT_PRECISION');
    expect(readPacs008(sample({ amount: '1.234', currency: 'KWD' })).amountMinor).toBe(1234);
    expect(faultOf(() => readPacs008(sample().replace(/<DbtrAcct>.*<\/DbtrAcct>/, '')))).toMatchObject({ code: 'FH_VALIDATION', field: 'FIToFICstmrCdtTrf/CdtTrfTxInf/DbtrAcct/Id' });
    expect(faultOf(() => readPacs008(sample().replace(/<EndToEndId>.*<\/EndToEndId>/, '')))).toMatchObject({ code: 'FH_VALIDATION', field: 'FIToFICstmrCdtTrf/CdtTrfTxInf/PmtId/EndToEndId' });
    expect(faultOf(() => readPacs008(sample({ creationTime: '2026-02-30T09:30:00Z' })))).toMatchObject({ code: 'FH_VALIDATION', field: 'FIToFICstmrCdtTrf/GrpHdr/CreDtTm' });
    expect(faultOf(() => readPacs008(sample({ extra: supplementary.replace('>II<', '>IV<') }))).code).toBe('FH_VALIDATION');
  });

  it('refuses documents over the size and depth limits', () => {
    expect(faultOf(() => readPacs008(sample({ extra: `<RmtInf><Ustrd>${'x'.repeat(1024 * 1024)}</Ustrd></RmtInf>` }))).code).toBe('FH_PAYLOAD_TOO_LARGE');
    const deep = sample({ extra: `${'<SplmtryData>'.repeat(70)}${'</SplmtryData>'.repeat(70)}` });
    expect(faultOf(() => readPacs008(deep))).toMatchObject({ code: 'FH_PAYLOAD_TOO_LARGE', details: { maxDepth: 64 } });
  });
});

/** A body as Tazama's TMS takes it (the shape of its pacs.008.001.10 samples). */
function tazamaBody(): Record<string, unknown> {
  return {
    TxTp: 'pacs.008.001.10',
    FIToFICstmrCdtTrf: {
      GrpHdr: { MsgId: 'cabb-32c3-4ecf-944e-654855c80c38', CreDtTm: '2023-02-03T07:17:52.216Z', NbOfTxs: 1, SttlmInf: { SttlmMtd: 'CLRG' } },
      CdtTrfTxInf: {
        PmtId: { InstrId: '4ca819baa65d4a2c9e062f2055525046', EndToEndId: '701b-ae14-46fd-a2cf-88dda2875fdd' },
        IntrBkSttlmAmt: { Amt: { Amt: 31020.89, Ccy: 'USD' } },
        InstdAmt: { Amt: { Amt: 9000, Ccy: 'ZAR' } },
        ChrgBr: 'DEBT',
        ChrgsInf: { Amt: { Amt: 307.14, Ccy: 'USD' }, Agt: { FinInstnId: { ClrSysMmbId: { MmbId: 'dfsp001' } } } },
        InitgPty: { Nm: 'April Blake Grant', Id: { PrvtId: { DtAndPlcOfBirth: { BirthDt: '1968-02-01', CityOfBirth: 'Unknown', CtryOfBirth: 'ZZ' }, Othr: [{ Id: '+27730975224', SchmeNm: { Prtry: 'MSISDN' } }] } }, CtctDtls: { MobNb: '+27-730975224' } },
        Dbtr: {
          Nm: 'April Blake Grant',
          Id: { PrvtId: { DtAndPlcOfBirth: { BirthDt: '1968-02-01', CityOfBirth: 'Unknown', CtryOfBirth: 'ZZ' }, Othr: [{ Id: '+27730975224', SchmeNm: { Prtry: 'MSISDN' } }, { Id: '110101199003074514', SchmeNm: { Prtry: 'NIDN' } }] } },
          CtctDtls: { MobNb: '+27-730975224' },
        },
        DbtrAcct: { Id: { Othr: [{ Id: '+27730975224', SchmeNm: { Prtry: 'MSISDN' } }] }, Nm: 'April Grant' },
        DbtrAgt: { FinInstnId: { ClrSysMmbId: { MmbId: 'dfsp001' } } },
        CdtrAgt: { FinInstnId: { ClrSysMmbId: { MmbId: 'dfsp002' } } },
        Cdtr: { Nm: 'Felicia Easton Quill', Id: { PrvtId: { DtAndPlcOfBirth: { BirthDt: '1935-05-08', CityOfBirth: 'Unknown', CtryOfBirth: 'ZZ' }, Othr: [{ Id: '+27707650428', SchmeNm: { Prtry: 'MSISDN' } }] } }, CtctDtls: { MobNb: '+27-707650428' } },
        CdtrAcct: { Id: { Othr: [{ Id: '+27707650428', SchmeNm: { Prtry: 'MSISDN' } }] }, Nm: 'Felicia Quill' },
        Purp: { Cd: 'MP2P' },
      },
      RgltryRptg: { Dtls: { Tp: 'BALANCE OF PAYMENTS', Cd: '100' } },
      RmtInf: { Ustrd: 'Payment of USD 30713.75 from April to Felicia' },
      SplmtryData: { Envlp: { Doc: { Xprtn: '2023-02-03T07:17:52.216Z', InitgPty: { Glctn: { Lat: '-3.1609', Long: '38.3588' } } } } },
    },
  };
}

describe('Tazama pacs.008 JSON', () => {
  it('reads the body TMS takes', () => {
    expect(readTazamaPacs008(tazamaBody())).toEqual({
      paymentId: '701b-ae14-46fd-a2cf-88dda2875fdd',
      initiatedAt: '2023-02-03T07:17:52.216Z',
      currency: 'USD',
      amountMinor: 3102089,
      minorUnits: 2,
      payer: { account: '+27730975224', residentId: '110101199003074514', phone: '+27-730975224', name: 'April Blake Grant' },
      payee: { account: '+27707650428', name: 'Felicia Easton Quill', agent: 'dfsp002' },
      fundingSource: 'other',
      purpose: 'MP2P',
      format: 'tazama',
    });
  });

  it('reads an older body with single Othr objects', () => {
    const body = tazamaBody();
    const tx = (body['FIToFICstmrCdtTrf'] as { CdtTrfTxInf: Record<string, unknown> }).CdtTrfTxInf;
    tx['DbtrAcct'] = { Id: { Othr: { Id: 'acct-1', SchmeNm: { Prtry: 'MSISDN' } } } };
    expect(readTazamaPacs008(body).payer.account).toBe('acct-1');
  });

  it('refuses another message type', () => {
    expect(faultOf(() => readTazamaPacs008({ ...tazamaBody(), TxTp: 'pain.001.001.11' }))).toMatchObject({ code: 'FH_SCREEN_MESSAGE_UNSUPPORTED', field: 'body.TxTp' });
    expect(faultOf(() => readTazamaPacs008({ ...tazamaBody(), TxTp: 'pacs.008.001.02' })).code).toBe('FH_SCREEN_MESSAGE_UNSUPPORTED');
  });

  it('names the body path at fault', () => {
    const body = tazamaBody();
    const tx = (body['FIToFICstmrCdtTrf'] as { CdtTrfTxInf: Record<string, unknown> }).CdtTrfTxInf;
    tx['IntrBkSttlmAmt'] = { Amt: { Amt: 12.345, Ccy: 'CNY' } };
    expect(faultOf(() => readTazamaPacs008(body))).toMatchObject({ code: 'FH_SCREEN_AMOUNT_PRECISION', field: 'body.FIToFICstmrCdtTrf.CdtTrfTxInf.IntrBkSttlmAmt.Amt.Amt' });
    tx['IntrBkSttlmAmt'] = { Amt: { Amt: -1, Ccy: 'CNY' } };
    expect(faultOf(() => readTazamaPacs008(body)).code).toBe('FH_SCREEN_AMOUNT_INVALID');
    delete tx['IntrBkSttlmAmt'];
    expect(faultOf(() => readTazamaPacs008(body)).code).toBe('FH_SCREEN_AMOUNT_INVALID');
    tx['IntrBkSttlmAmt'] = { Amt: { Amt: 10, Ccy: 'ABC' } };
    expect(faultOf(() => readTazamaPacs008(body))).toMatchObject({ code: 'FH_SCREEN_CURRENCY_UNKNOWN', field: 'body.FIToFICstmrCdtTrf.CdtTrfTxInf.IntrBkSttlmAmt.Amt.Ccy' });
    tx['IntrBkSttlmAmt'] = { Amt: { Amt: 10, Ccy: 'CNY' } };
    tx['CdtrAcct'] = { Id: { Othr: [{ Id: 42 }] } };
    expect(faultOf(() => readTazamaPacs008(body))).toMatchObject({ code: 'FH_VALIDATION', field: 'body.FIToFICstmrCdtTrf.CdtTrfTxInf.CdtrAcct.Id.Othr[0].Id' });
    expect(faultOf(() => readTazamaPacs008([]))).toMatchObject({ code: 'FH_VALIDATION', field: 'body' });
  });
});

function nativeBody(): Record<string, unknown> {
  return {
    paymentId: 'PAY-2026-0001',
    initiatedAt: '2026-03-01T09:30:00+08:00',
    amount: '1250.00',
    currency: 'CNY',
    payer: { account: '6222020200112233445', residentId: '110101199003074514', phone: '13800138000', verificationClass: 'II' },
    payee: { account: '6217000010001234567', agent: 'ICBKCNBJXXX' },
    device: 'dev-7f3a',
    purpose: 'MP2P',
  };
}

describe('native JSON', () => {
  it('reads the native form', () => {
    expect(readNativePayment(nativeBody())).toEqual({
      paymentId: 'PAY-2026-0001',
      initiatedAt: '2026-03-01T09:30:00+08:00',
      currency: 'CNY',
      amountMinor: 125000,
      minorUnits: 2,
      payer: { account: '6222020200112233445', residentId: '110101199003074514', phone: '13800138000', verificationClass: 'II' },
      payee: { account: '6217000010001234567', agent: 'ICBKCNBJXXX' },
      device: 'dev-7f3a',
      fundingSource: 'other',
      purpose: 'MP2P',
      format: 'json',
    });
    expect(readNativePayment({ ...nativeBody(), amount: 99.99 }).amountMinor).toBe(9999);
  });

  it('refuses an extra property, naming it', () => {
    expect(faultOf(() => readNativePayment({ ...nativeBody(), memo: 'x' }))).toMatchObject({ code: 'FH_VALIDATION', field: 'body.memo' });
    expect(faultOf(() => readNativePayment({ ...nativeBody(), payer: { account: 'a', pin: '1' } }))).toMatchObject({ code: 'FH_VALIDATION', field: 'body.payer.pin' });
  });

  it('names the field at fault', () => {
    expect(faultOf(() => readNativePayment({ ...nativeBody(), payer: {} }))).toMatchObject({ code: 'FH_VALIDATION', field: 'body.payer.account' });
    expect(faultOf(() => readNativePayment({ ...nativeBody(), initiatedAt: '2026-03-01T09:30:00' }))).toMatchObject({ code: 'FH_VALIDATION', field: 'body.initiatedAt' });
    expect(faultOf(() => readNativePayment({ ...nativeBody(), amount: '-1' }))).toMatchObject({ code: 'FH_SCREEN_AMOUNT_INVALID', field: 'body.amount' });
    expect(faultOf(() => readNativePayment({ ...nativeBody(), amount: '0' }))).toMatchObject({ code: 'FH_SCREEN_AMOUNT_INVALID', field: 'body.amount' });
    expect(faultOf(() => readNativePayment({ ...nativeBody(), amount: '1e5' }))).toMatchObject({ code: 'FH_SCREEN_AMOUNT_INVALID', field: 'body.amount' });
    expect(faultOf(() => readNativePayment({ ...nativeBody(), amount: '12.345' }))).toMatchObject({ code: 'FH_SCREEN_AMOUNT_PRECISION', field: 'body.amount' });
    expect(faultOf(() => readNativePayment({ ...nativeBody(), currency: 'ABC' }))).toMatchObject({ code: 'FH_SCREEN_CURRENCY_UNKNOWN', field: 'body.currency' });
    expect(faultOf(() => readNativePayment({ ...nativeBody(), currency: 'cny' }))).toMatchObject({ code: 'FH_SCREEN_CURRENCY_UNKNOWN', field: 'body.currency' });
  });
});

describe('readPayment', () => {
  it('chooses the reader from the content type and the shape', () => {
    expect(readPayment('application/xml; charset=utf-8', sample()).format).toBe('pacs.008');
    expect(readPayment('text/xml', sample()).format).toBe('pacs.008');
    expect(readPayment('application/pacs.008+xml', sample()).format).toBe('pacs.008');
    expect(readPayment('application/json', tazamaBody()).format).toBe('tazama');
    expect(readPayment('application/json', JSON.stringify(tazamaBody())).format).toBe('tazama');
    expect(readPayment('application/json', nativeBody()).format).toBe('json');
    expect(faultOf(() => readPayment('application/json', '{')).code).toBe('FH_MALFORMED_JSON');
    expect(faultOf(() => readPayment('text/plain', 'x')).code).toBe('FH_UNSUPPORTED_MEDIA_TYPE');
  });
});

describe('the request hash text', () => {
  it('is the canonical JSON of the payment without its format, whatever form it came in and whichever fields it has', () => {
    const read = [readNativePayment(nativeBody()), readTazamaPacs008(tazamaBody()), readPacs008(sample()), readPacs008(prefixed(sample({ version: '10', extra: supplementary })))];
    const optional = fc.record(
      {
        device: fc.string(),
        purpose: fc.string(),
        payerName: fc.string(),
        phone: fc.string(),
        residentId: fc.string(),
        verificationClass: fc.constantFrom('I' as const, 'II' as const, 'III' as const),
        payeeName: fc.string(),
        agent: fc.string(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.constantFrom(...read), fc.string(), fc.string(), fc.integer({ min: 1 }), optional, (base, account, paymentId, amountMinor, extra) => {
        const payment: PaymentToScreen = { paymentId, initiatedAt: base.initiatedAt, currency: base.currency, amountMinor, minorUnits: base.minorUnits, payer: { account }, payee: { account: base.payee.account }, fundingSource: base.fundingSource, format: base.format };
        if (extra.device !== undefined) payment.device = extra.device;
        if (extra.purpose !== undefined) payment.purpose = extra.purpose;
        if (extra.payerName !== undefined) payment.payer.name = extra.payerName;
        if (extra.phone !== undefined) payment.payer.phone = extra.phone;
        if (extra.residentId !== undefined) payment.payer.residentId = extra.residentId;
        if (extra.verificationClass !== undefined) payment.payer.verificationClass = extra.verificationClass;
        if (extra.payeeName !== undefined) payment.payee.name = extra.payeeName;
        if (extra.agent !== undefined) payment.payee.agent = extra.agent;
        expect(paymentHashText(payment)).toBe(canonicalJson({ ...payment, format: undefined }));
      }),
    );
    for (const payment of read) expect(paymentHashText(payment)).toBe(canonicalJson({ ...payment, format: undefined }));
  });
});
