/**
 * Fenghuo's own JSON form of a payment to screen: flat, with the amount as decimal text in major
 * units (a JSON number is accepted too, and read from its shortest text, never multiplied).
 */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { fail } from '../platform/errors.js';
import { toMinorUnits } from './currency.js';
import { readDateTime } from './iso20022.js';
import type { PaymentToScreen } from './payment.js';

/** A date-time with its offset: a payment's local time only means something with one. */
const DATE_TIME_WITH_OFFSET = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$';

export const NativePaymentSchema = Type.Object(
  {
    paymentId: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$', description: "The institution's id of the payment" }),
    initiatedAt: Type.String({ pattern: DATE_TIME_WITH_OFFSET, description: 'When the payer initiated it: ISO 8601 date-time with an offset, e.g. 2026-03-01T09:30:00+08:00' }),
    amount: Type.Union([Type.String({ pattern: '^[0-9]{1,18}(\\.[0-9]{1,18})?$', description: "Decimal text in major units, e.g. '1250.00'" }), Type.Number({ exclusiveMinimum: 0 })], {
      description: 'The amount in major units (yuan for CNY); no more decimals than the currency has minor units',
    }),
    currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 alphabetic code' }),
    payer: Type.Object(
      {
        account: Type.String({ minLength: 1, maxLength: 64 }),
        residentId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Resident identity card number; pseudonymised on arrival' })),
        phone: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 140 })),
        verificationClass: Type.Optional(Type.Union([Type.Literal('I'), Type.Literal('II'), Type.Literal('III')], { description: 'Payment account class, PBOC Announcement [2015] No.43' })),
      },
      { additionalProperties: false },
    ),
    payee: Type.Object(
      {
        account: Type.String({ minLength: 1, maxLength: 64 }),
        name: Type.Optional(Type.String({ minLength: 1, maxLength: 140 })),
        agent: Type.Optional(Type.String({ minLength: 1, maxLength: 35, description: "The payee's institution: a BIC, a clearing member id or a USCC" })),
      },
      { additionalProperties: false },
    ),
    device: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    fundingSource: Type.Optional(Type.Union([Type.Literal('balance'), Type.Literal('bank_card'), Type.Literal('other')], { default: 'other' })),
    purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 35, description: 'ISO 20022 purpose code (e.g. MP2P) or free text' })),
  },
  { additionalProperties: false },
);
export type NativePayment = Static<typeof NativePaymentSchema>;

/** The schema's check compiled once to a function: the same verdict and errors as Value.Check, a fraction of the time per payment. */
const nativePaymentCheck = TypeCompiler.Compile(NativePaymentSchema);

/** `/payer/account` → `body.payer.account`. */
function fieldOf(path: string): string {
  return path === '' ? 'body' : `body${path.split('/').join('.')}`;
}

/**
 * Read a payment in Fenghuo's JSON form. Faults: FH_VALIDATION with the `body.…` path of the first
 * field that does not fit NativePaymentSchema (an extra property is named by its own path);
 * FH_SCREEN_AMOUNT_INVALID / FH_SCREEN_AMOUNT_PRECISION at `body.amount` and
 * FH_SCREEN_CURRENCY_UNKNOWN at `body.currency`, which the schema alone cannot decide.
 */
export function readNativePayment(body: unknown): PaymentToScreen {
  if (!nativePaymentCheck.Check(body)) {
    const first = nativePaymentCheck.Errors(body).First();
    const field = fieldOf(first?.path ?? '');
    // The amount and currency have codes of their own, so a client branches the same way whichever check caught them.
    if (field === 'body.amount') fail('FH_SCREEN_AMOUNT_INVALID', { field });
    if (field === 'body.currency' && typeof (body as { currency?: unknown }).currency === 'string') fail('FH_SCREEN_CURRENCY_UNKNOWN', { field });
    fail('FH_VALIDATION', { field, ...(first ? { details: { problem: first.message } } : {}) });
  }
  const initiatedAt = readDateTime(body.initiatedAt, 'body.initiatedAt');
  const { amountMinor, minorUnits } = toMinorUnits(body.amount, body.currency, 'body.amount', 'body.currency');

  const payer: PaymentToScreen['payer'] = { account: body.payer.account };
  if (body.payer.residentId !== undefined) payer.residentId = body.payer.residentId;
  if (body.payer.phone !== undefined) payer.phone = body.payer.phone;
  if (body.payer.name !== undefined) payer.name = body.payer.name;
  if (body.payer.verificationClass !== undefined) payer.verificationClass = body.payer.verificationClass;
  const payee: PaymentToScreen['payee'] = { account: body.payee.account };
  if (body.payee.name !== undefined) payee.name = body.payee.name;
  if (body.payee.agent !== undefined) payee.agent = body.payee.agent;

  const payment: PaymentToScreen = { paymentId: body.paymentId, initiatedAt, currency: body.currency, amountMinor, minorUnits, payer, payee, fundingSource: body.fundingSource ?? 'other', format: 'json' };
  if (body.device !== undefined) payment.device = body.device;
  if (body.purpose !== undefined) payment.purpose = body.purpose;
  return payment;
}
