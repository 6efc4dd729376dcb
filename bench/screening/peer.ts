/**
 * The peer: the 13 national screening rules written by hand as json-rules-engine rules, with the
 * same thresholds (taken from the same resolved parameters the CEL rules run with), the weights of
 * the rules that fire added up and turned into a decision by the same thresholds.
 *
 * Facts are flat (the record's fields and the features side by side; no name is in both). A CEL
 * `has(x) && x > p` is json-rules-engine's `greaterThan` with undefined facts allowed: its number
 * check is false for an absent fact, as `has` is. A CEL comparison on an absent value without
 * `has` is a fault that adds nothing; here the condition is false and adds nothing too.
 */
import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import type { ExecutableRule } from '../../src/rulebook/rulebook.service.js';
import { decide, type Decision, type ScreeningRecord, type Thresholds } from '../../src/screening/engine.js';
import type { FeatureValues } from '../../src/screening/features.js';

type Condition = { fact: string; operator: string; value: unknown };
const c = (fact: string, operator: string, value: unknown): Condition => ({ fact, operator, value });

/** Each screening rule's condition, by hand. */
function conditionOf(id: string, p: Record<string, unknown>): TopLevelCondition {
  switch (id) {
    case 'CN-SCREEN-AMOUNT-OUTLIER':
      return { all: [c('amount_robust_z', 'greaterThan', p.max_z), c('payer_history_size', 'greaterThanInclusive', p.min_history)] };
    case 'CN-SCREEN-BORROWER-NEW-PAYEE':
      return { all: [c('payer_multi_platform_borrower', 'equal', true), c('first_payment_to_payee', 'equal', true)] };
    case 'CN-SCREEN-CLASS-I-LIMIT':
      return { all: [c('funding_source', 'equal', 'balance'), c('verification_class', 'equal', 'I'), c('payer_balance_paid_since_opening_fen', 'greaterThan', p.limit_fen)] };
    case 'CN-SCREEN-CLASS-II-LIMIT':
      return { all: [c('funding_source', 'equal', 'balance'), c('verification_class', 'equal', 'II'), c('payer_balance_paid_year_fen', 'greaterThan', p.limit_fen)] };
    case 'CN-SCREEN-CLASS-III-LIMIT':
      return { all: [c('funding_source', 'equal', 'balance'), c('verification_class', 'equal', 'III'), c('payer_balance_paid_year_fen', 'greaterThan', p.limit_fen)] };
    case 'CN-SCREEN-DEVICE-BURST':
      return { all: [c('device_payments_1h', 'greaterThan', p.max_per_hour)] };
    case 'CN-SCREEN-NEW-PAYEE-LARGE':
      return { all: [c('currency', 'equal', 'CNY'), c('first_payment_to_payee', 'equal', true), c('amount_fen', 'greaterThanInclusive', p.min_amount_fen)] };
    case 'CN-SCREEN-NIGHT-LARGE':
      return { all: [c('currency', 'equal', 'CNY'), c('hour_china', 'greaterThanInclusive', p.night_starts), c('hour_china', 'lessThan', p.night_ends), c('amount_fen', 'greaterThanInclusive', p.min_amount_fen)] };
    case 'CN-SCREEN-PAYEE-FAN-IN':
      return { all: [c('payee_payments_1h', 'greaterThan', p.max_per_hour)] };
    case 'CN-SCREEN-PAYEE-WATCHLIST':
      return { all: [c('payee_on_watch_list', 'equal', true)] };
    case 'CN-SCREEN-PAYER-BURST':
      return { all: [c('payer_payments_1m', 'greaterThan', p.max_per_minute)] };
    case 'CN-SCREEN-PAYER-DAILY-SUM':
      return { all: [c('payer_amount_24h_fen', 'greaterThan', p.max_fen)] };
    case 'CN-SCREEN-PAYER-HOURLY':
      return { all: [c('payer_payments_1h', 'greaterThan', p.max_per_hour)] };
    default:
      throw new Error(`no json-rules-engine translation of ${id}`);
  }
}

export class PeerScreening {
  private readonly engine: Engine;

  constructor(executables: readonly ExecutableRule[]) {
    const rules: RuleProperties[] = executables.map((e) => ({
      name: e.rule.id,
      conditions: conditionOf(e.rule.id, e.values),
      event: { type: e.rule.id, params: { weight: e.rule.definition.weight ?? 0 } },
    }));
    this.engine = new Engine(rules, { allowUndefinedFacts: true });
  }

  async screen(record: ScreeningRecord, features: FeatureValues, thresholds: Thresholds): Promise<{ score: number; decision: Decision; rules: string[] }> {
    const { events } = await this.engine.run({ ...record, ...features });
    let score = 0;
    for (const event of events) score += (event.params as { weight: number }).weight;
    score = Math.min(100, score);
    return { score, decision: decide(score, thresholds), rules: events.map((e) => e.type).sort() };
  }
}
