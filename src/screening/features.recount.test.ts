/**
 * The in-process feature state against a model that recounts everything from the list of payments
 * seen: random payments in time order between a few accounts, devices, currencies and persons,
 * some settled, each observation's features equal to the model's.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DAY_MS, HISTORY_SIZE, HOUR_MS, InProcessFeatureState, MINUTE_MS, PAYEES_KEPT, robustZ, type FeatureValues, type Observation } from './features.js';

interface Step {
  observation: Observation;
  settle: boolean;
}

const step: fc.Arbitrary<{ gapMs: number; payer: number; payee: number; device: number; person: number; currency: string; amount: number; balance: boolean; settle: boolean }> = fc.record({
  gapMs: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 2 * HOUR_MS }), fc.constant(DAY_MS)),
  payer: fc.integer({ min: 0, max: 3 }),
  payee: fc.integer({ min: 0, max: 4 }),
  device: fc.integer({ min: -1, max: 2 }),
  person: fc.integer({ min: -1, max: 1 }),
  currency: fc.constantFrom('CNY', 'CNY', 'USD'),
  amount: fc.integer({ min: 1, max: 1_000_000 }),
  balance: fc.boolean(),
  settle: fc.boolean(),
});

/** The features recounted from every earlier step. */
function model(seen: readonly Step[], o: Observation): FeatureValues {
  const within = (s: Step, window: number) => s.observation.atMs > o.atMs - window;
  const all = [...seen.map((s) => s.observation), o];
  const steps = [...seen, { observation: o, settle: false }];
  const byPayer = steps.filter((s) => s.observation.payerRef === o.payerRef);
  const byPayee = steps.filter((s) => s.observation.payeeRef === o.payeeRef);
  const sum = (list: Step[], window: number) => list.filter((s) => s.observation.currency === o.currency && within(s, window)).reduce((a, s) => a + s.observation.amountMinor, 0);
  const settled = seen.filter((s) => s.settle);
  const history = settled.filter((s) => s.observation.payerRef === o.payerRef && s.observation.currency === o.currency).map((s) => s.observation.amountMinor).slice(-HISTORY_SIZE);
  const features: FeatureValues = {
    payer_payments_1m: byPayer.filter((s) => within(s, MINUTE_MS)).length,
    payer_payments_1h: byPayer.filter((s) => within(s, HOUR_MS)).length,
    payer_payments_24h: byPayer.filter((s) => within(s, DAY_MS)).length,
    payer_amount_1h: sum(byPayer, HOUR_MS),
    payer_amount_24h: sum(byPayer, DAY_MS),
    payee_payments_1h: byPayee.filter((s) => within(s, HOUR_MS)).length,
    payee_payments_24h: byPayee.filter((s) => within(s, DAY_MS)).length,
    payee_amount_24h: sum(byPayee, DAY_MS),
    first_payment_to_payee: !settled.some((s) => s.observation.payerRef === o.payerRef && s.observation.payeeRef === o.payeeRef),
    payer_history_size: history.length,
    hour_china: o.chinaHour,
    payee_confirmed_fraud: false,
    payee_on_watch_list: false,
  };
  const z = robustZ(history, o.amountMinor);
  if (z !== undefined) features.amount_robust_z = z;
  if (o.deviceRef !== undefined) {
    const byDevice = all.filter((x) => x.deviceRef === o.deviceRef);
    features.device_payments_1h = byDevice.filter((x) => x.atMs > o.atMs - HOUR_MS).length;
    features.device_payments_24h = byDevice.filter((x) => x.atMs > o.atMs - DAY_MS).length;
  }
  if (o.currency === 'CNY') {
    features.payer_amount_24h_fen = features.payer_amount_24h!;
    const who = (x: Observation) => x.payerPseudonym ?? x.payerRef;
    features.payer_balance_paid_year_fen = settled.filter((s) => who(s.observation) === who(o) && s.observation.chinaYear === o.chinaYear).reduce((a, s) => a + s.observation.balanceFen, 0) + o.balanceFen;
    features.payer_balance_paid_since_opening_fen = settled.filter((s) => s.observation.payerRef === o.payerRef).reduce((a, s) => a + s.observation.balanceFen, 0) + o.balanceFen;
  }
  if (o.payerPseudonym !== undefined) features.payer_multi_platform_borrower = false;
  return features;
}

describe('the in-process feature state', () => {
  it('gives the features a recount of every earlier payment gives, in time order', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (raw) => {
        const state = new InProcessFeatureState();
        const seen: Step[] = [];
        let at = Date.UTC(2026, 11, 31, 10);
        for (const r of raw) {
          at += r.gapMs;
          const shifted = new Date(at + 8 * HOUR_MS);
          const observation: Observation = {
            payerRef: `a${r.payer}`,
            payeeRef: `a${r.payee}`,
            deviceRef: r.device >= 0 ? `d${r.device}` : undefined,
            payerPseudonym: r.person >= 0 ? `p${r.person}` : undefined,
            currency: r.currency,
            amountMinor: r.amount,
            balanceFen: r.balance && r.currency === 'CNY' ? r.amount : 0,
            atMs: at,
            chinaYear: shifted.getUTCFullYear(),
            chinaHour: shifted.getUTCHours(),
          };
          expect(state.observe(observation)).toEqual(model(seen, observation));
          if (r.settle) state.settle(observation);
          seen.push({ observation, settle: r.settle });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('forgets the oldest payee past PAYEES_KEPT and the oldest amount past HISTORY_SIZE, over long runs of one payer in two currencies across a new year', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 600_000 }), payee: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 6 * PAYEES_KEPT })), usd: fc.integer({ min: 0, max: 9 }), amount: fc.integer({ min: 1, max: 100_000 }), balance: fc.boolean(), settle: fc.integer({ min: 0, max: 9 }) }), { minLength: 1200, maxLength: 1400 }),
        (raw) => {
          const state = new InProcessFeatureState();
          const seen: Step[] = [];
          // The payees known, in the order first learnt (a Set: learning one again does not move it).
          const known: string[] = [];
          let at = Date.UTC(2026, 11, 31, 10);
          for (const r of raw) {
            at += r.gapMs;
            const shifted = new Date(at + 8 * HOUR_MS);
            const currency = r.usd === 0 ? 'USD' : 'CNY';
            const observation: Observation = { payerRef: 'payer', payeeRef: `a${r.payee}`, deviceRef: 'd', currency, amountMinor: r.amount, balanceFen: r.balance && currency === 'CNY' ? r.amount : 0, atMs: at, chinaYear: shifted.getUTCFullYear(), chinaHour: shifted.getUTCHours() };
            const expected = { ...model(seen, observation), first_payment_to_payee: !known.includes(observation.payeeRef) };
            expect(state.observe(observation)).toEqual(expected);
            const settle = r.settle > 0;
            if (settle) {
              state.settle(observation);
              if (!known.includes(observation.payeeRef)) known.push(observation.payeeRef);
              if (known.length > PAYEES_KEPT) known.shift();
            }
            seen.push({ observation, settle });
          }
        },
      ),
      // A failing run of a thousand steps is reported as it is: shrinking it would take minutes.
      { numRuns: 6, endOnFailure: true },
    );
  });
});
