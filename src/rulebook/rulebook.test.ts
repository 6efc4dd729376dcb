import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachEngine, makeResidentId, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import { fileAndSign, institution, recordsCsv, type TestInstitution } from '../filing/filing.test-support.js';
import type { FilingView } from '../filing/filing.service.js';

interface RuleJson {
  id: string;
  version: string;
  parameters: { name: string; value: unknown; setBy: string; tiers: { jurisdiction: string; value: unknown }[] }[];
}

const P1 = makeResidentId('330106', '1985-03-02', 17);
const P2 = makeResidentId('330106', '1975-01-09', 33);

const newRule = (condition: string, id = 'ZJ-TEST-RULE') => ({
  id,
  pack: 'conduct',
  severity: 'medium',
  recordTypes: ['loan'],
  title: { zh: '测试规则', en: 'A test rule' },
  explanation: { zh: '本金 {record.principal_fen}', en: 'Principal {record.principal_fen}' },
  basis: { law: { zh: '测试', en: 'Test' }, article: 'Art.1', figure: { zh: '无', en: 'None' } },
  effective: { from: '2024-01-01' },
  parameters: { limit_fen: { type: 'money_fen', direction: 'cap', label: { zh: '上限', en: 'Limit' }, value: 500_000 } },
  condition,
});

describeEachEngine('the rulebook: tiers, edits and their refusals, reference data, dry runs', (engine) => {
  let context: TestContext;
  let zhejiang: { authorization: string };
  let hangzhou: { authorization: string };
  let national: { authorization: string };
  let hz: TestInstitution;

  const post = (url: string, headers: Record<string, string>, payload: unknown) => context.app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });
  const rules = async (jurisdiction: string, date = '2026-10-01') => (await context.app.inject({ method: 'GET', url: `/v1/rules?jurisdiction=${jurisdiction}&date=${date}` })).json() as { rules: RuleJson[] };
  const param = (rule: RuleJson | undefined, name: string) => rule?.parameters.find((p) => p.name === name);
  const checked = async (filing: FilingView) => {
    while (!(await context.services.monitoring.runOf(filing.filingId))) await new Promise((resolve) => setTimeout(resolve, 50));
  };

  beforeAll(async () => {
    context = await startPlatform(engine);
    zhejiang = await supervisorSession(context, `zj-${engine}`, '330000');
    hangzhou = await supervisorSession(context, `hz-${engine}`, '330100');
    national = await supervisorSession(context, `cn-${engine}`, '000000');
    hz = await institution(context, 81, '330100');
  }, 240_000);
  afterAll(async () => context?.close());

  it('publishes the national pack to anyone, with legal basis and parameters', async () => {
    const reply = await context.app.inject({ method: 'GET', url: '/v1/rules?jurisdiction=000000&date=2026-10-01' });
    expect(reply.statusCode).toBe(200);
    const body = reply.json() as { rules: (RuleJson & { basis: { article: string } })[] };
    expect(body.rules.length).toBeGreaterThanOrEqual(18);
    expect(body.rules.find((r) => r.id === 'CN-LOAN-RATE-4LPR')).toMatchObject({ version: '1@000000', basis: { article: 'Art.25' } });
    const unknown = await context.app.inject({ method: 'GET', url: '/v1/rules?jurisdiction=999999' });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error).toMatchObject({ code: 'FH_INVALID_JURISDICTION', field: 'query.jurisdiction' });
  });

  it('lets a province tighten a cap, shows the tiers side by side, and refuses loosening with the parent value', async () => {
    const url = '/v1/supervisor/rules/CN-BORROW-INDIVIDUAL-PLATFORM/refinements';
    const reason = { zh: '收紧', en: 'Tighter' };
    const loosened = await post(url, zhejiang, { jurisdiction: '330000', parameters: { limit_fen: 20_000_001 }, effectiveFrom: '2026-01-01', reason });
    expect(loosened.statusCode).toBe(422);
    expect(loosened.json().error).toMatchObject({ code: 'FH_RULE_PARAMETER_LOOSENED', field: 'parameters.limit_fen', details: { parameter: 'limit_fen', parentValue: 20_000_000, parentJurisdiction: '000000' } });
    // Equal to the parent is not a loosening.
    expect((await post(url, zhejiang, { jurisdiction: '330000', parameters: { limit_fen: 20_000_000 }, effectiveFrom: '2025-06-01', reason })).statusCode).toBe(201);
    const tightened = await post(url, zhejiang, { jurisdiction: '330000', parameters: { limit_fen: 10_000_000 }, effectiveFrom: '2026-01-01', reason });
    expect(tightened.statusCode).toBe(201);
    expect(tightened.json()).toMatchObject({ version: '1@000000+2@330000' });

    const inHangzhou = (await rules('330100')).rules.find((r) => r.id === 'CN-BORROW-INDIVIDUAL-PLATFORM');
    expect(param(inHangzhou, 'limit_fen')).toMatchObject({ value: 10_000_000, setBy: '330000', tiers: [{ jurisdiction: '000000', value: 20_000_000 }, { jurisdiction: '330000', value: 10_000_000 }] });
    // Before the refinement takes effect, and in another province, the national value holds.
    expect(param((await rules('330100', '2025-12-31')).rules.find((r) => r.id === 'CN-BORROW-INDIVIDUAL-PLATFORM'), 'limit_fen')?.value).toBe(20_000_000);
    expect(param((await rules('440300')).rules.find((r) => r.id === 'CN-BORROW-INDIVIDUAL-PLATFORM'), 'limit_fen')?.value).toBe(20_000_000);

    // The city is held to the province's value, not the nation's.
    const city = await post(url, hangzhou, { jurisdiction: '330100', parameters: { limit_fen: 15_000_000 }, effectiveFrom: '2026-02-01', reason });
    expect(city.statusCode).toBe(422);
    expect(city.json().error.details).toMatchObject({ parentValue: 10_000_000, parentJurisdiction: '330000' });
  });

  it('refuses a floor moved down, a fixed value changed, a slower deadline unit, and an unknown or mistyped parameter', async () => {
    const refine = (rule: string, parameters: Record<string, unknown>) => post(`/v1/supervisor/rules/${rule}/refinements`, zhejiang, { jurisdiction: '330000', parameters, effectiveFrom: '2026-01-01', reason: { zh: '改', en: 'Change' } });
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['CN-PRODUCT-RISK-WARNING', { min_characters: 19 }, 'FH_RULE_PARAMETER_LOOSENED', 'parameters.min_characters'],
      ['CN-LOAN-RATE-4LPR', { new_rules_from: '2021-01-01' }, 'FH_RULE_PARAMETER_LOOSENED', 'parameters.new_rules_from'],
      ['CN-COMPLAINT-LATE', { deadline_unit: 'working_days' }, 'FH_RULE_PARAMETER_LOOSENED', 'parameters.deadline_unit'],
      ['CN-COMPLAINT-LATE', { deadline_unit: 'fortnights' }, 'FH_RULE_PARAMETER_INVALID', 'parameters.deadline_unit'],
      ['CN-COMPLAINT-LATE', { no_such: 3 }, 'FH_RULE_PARAMETER_INVALID', 'parameters.no_such'],
      ['CN-BORROW-INDIVIDUAL-PLATFORM', { limit_fen: 'lots' }, 'FH_RULE_PARAMETER_INVALID', 'parameters.limit_fen'],
      ['CN-BORROW-INDIVIDUAL-PLATFORM', { limit_fen: 1.5 }, 'FH_RULE_PARAMETER_INVALID', 'parameters.limit_fen'],
      ['CN-COLL-NIGHT', { night_starts: 24 }, 'FH_RULE_PARAMETER_INVALID', 'parameters.night_starts'],
    ];
    for (const [rule, parameters, code, field] of cases) {
      const reply = await refine(rule, parameters);
      expect(reply.statusCode, `${rule} ${JSON.stringify(parameters)}`).toBe(422);
      expect(reply.json().error, `${rule} ${JSON.stringify(parameters)}`).toMatchObject({ code, field });
    }
    // A tighter floor and a stricter unit are fine.
    expect((await refine('CN-PRODUCT-RISK-WARNING', { min_characters: 30 })).statusCode).toBe(201);
    expect((await refine('CN-COLL-NIGHT', { night_starts: 21, night_ends: 9 })).statusCode).toBe(201);
  });

  it('refuses another jurisdiction’s rules, institutions, and districts', async () => {
    const body = { jurisdiction: '440000', parameters: { limit_fen: 100 }, effectiveFrom: '2026-01-01', reason: { zh: '改', en: 'Change' } };
    const foreign = await post('/v1/supervisor/rules/CN-BORROW-INDIVIDUAL-PLATFORM/refinements', zhejiang, body);
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('FH_OUT_OF_JURISDICTION');
    const up = await post('/v1/supervisor/rules/CN-BORROW-INDIVIDUAL-PLATFORM/refinements', hangzhou, { ...body, jurisdiction: '330000' });
    expect(up.statusCode).toBe(403);
    const district = await post('/v1/supervisor/rules/CN-BORROW-INDIVIDUAL-PLATFORM/refinements', hangzhou, { ...body, jurisdiction: '330106' });
    expect(district.statusCode).toBe(400);
    expect(district.json().error.code).toBe('FH_INVALID_JURISDICTION');
    const asInstitution = await post('/v1/supervisor/rules/CN-BORROW-INDIVIDUAL-PLATFORM/refinements', { 'x-api-key': hz.apiKey }, body);
    expect(asInstitution.statusCode).toBe(403);
    const anonymous = await post('/v1/supervisor/rules/CN-BORROW-INDIVIDUAL-PLATFORM/refinements', {}, body);
    expect(anonymous.statusCode).toBe(401);
    // A province cannot replace a national rule by posting its id.
    const takeover = await post('/v1/supervisor/rules', zhejiang, { jurisdiction: '330000', rule: newRule('record.principal_fen > params.limit_fen', 'CN-LOAN-RATE-4LPR') });
    expect(takeover.statusCode).toBe(403);
  });

  it('refuses a new rule with a syntax error, an unknown feature or a type error, naming where', async () => {
    const add = (condition: string) => post('/v1/supervisor/rules', zhejiang, { jurisdiction: '330000', rule: newRule(condition) });
    const syntax = await add('record.principal_fen >\n  ');
    expect(syntax.statusCode).toBe(422);
    expect(syntax.json().error).toMatchObject({ code: 'FH_RULE_SYNTAX', field: 'condition', details: { line: expect.any(Number), column: expect.any(Number) } });
    const feature = await add('features.borrower_shoe_size > 3');
    expect(feature.json().error).toMatchObject({ code: 'FH_RULE_UNKNOWN_FEATURE', field: 'condition', details: { feature: 'borrower_shoe_size', column: 1 } });
    const wrongRecordType = await add('features.connected_calls_same_day > 3');
    expect(wrongRecordType.json().error).toMatchObject({ code: 'FH_RULE_UNKNOWN_FEATURE', details: { feature: 'connected_calls_same_day' } });
    const typed = await add("record.principal_fen > 'a lot'");
    expect(typed.json().error).toMatchObject({ code: 'FH_RULE_TYPE', field: 'condition' });
    const notBool = await add('record.principal_fen + 1');
    expect(notBool.json().error).toMatchObject({ code: 'FH_RULE_TYPE', field: 'condition' });
    const unknownField = await add('record.borrower_shoe_size > 3');
    expect(unknownField.json().error).toMatchObject({ code: 'FH_RULE_TYPE' });
    const badValue = await post('/v1/supervisor/rules', zhejiang, { jurisdiction: '330000', rule: { ...newRule('record.principal_fen > params.limit_fen'), parameters: { limit_fen: { type: 'money_fen', direction: 'cap', label: { zh: '上限', en: 'Limit' }, value: -1 } } } });
    expect(badValue.json().error).toMatchObject({ code: 'FH_RULE_PARAMETER_INVALID', field: 'parameters.limit_fen' });
    for (const reply of [syntax, feature, wrongRecordType, typed, notBool, unknownField, badValue]) expect(reply.statusCode).toBe(422);
    expect((await rules('330000')).rules.some((r) => r.id === 'ZJ-TEST-RULE')).toBe(false);
  });

  it('adds a provincial rule that applies in the province only; a rule that throws is a finding, not a crash', async () => {
    const added = await post('/v1/supervisor/rules', zhejiang, { jurisdiction: '330000', rule: newRule('record.principal_fen / (record.disbursed_fen - 300000) < 0 || record.principal_fen > params.limit_fen') });
    expect(added.statusCode).toBe(201);
    expect(added.json()).toMatchObject({ id: 'ZJ-TEST-RULE', version: '1@330000', jurisdiction: '330000' });
    expect((await rules('330100')).rules.some((r) => r.id === 'ZJ-TEST-RULE')).toBe(true);
    expect((await rules('440300')).rules.some((r) => r.id === 'ZJ-TEST-RULE')).toBe(false);
    // THROWS divides by zero (disbursed CNY 3,000), and CEL's || does not rescue it (its other side is false); BIG is above the limit; SMALL is neither.
    const filing = await fileAndSign(context, hz, 'loan', '2026-03', recordsCsv('loan', [
      { loan_id: 'THROWS', contract_id: 'C1', borrower_id: P1, contract_date: '2026-03-02', disbursement_date: '2026-03-02', first_due_date: '2026-04-02', principal_fen: '300000', disbursed_fen: '300000' },
      { loan_id: 'BIG', contract_id: 'C2', borrower_id: P2, contract_date: '2026-03-02', disbursement_date: '2026-03-02', first_due_date: '2026-04-02', principal_fen: '600000', disbursed_fen: '600000' },
      { loan_id: 'SMALL', contract_id: 'C3', borrower_id: P2, contract_date: '2026-03-03', disbursement_date: '2026-03-03', first_due_date: '2026-04-03', principal_fen: '400000', disbursed_fen: '400000' },
    ]));
    expect(filing.status).toBe('accepted');
    await checked(filing);
    const alerts = await context.app.inject({ method: 'GET', url: '/v1/supervisor/alerts?rule=ZJ-TEST-RULE', headers: zhejiang });
    expect((alerts.json() as { items: { recordId: string }[] }).items.map((a) => a.recordId)).toEqual(['BIG']);
    const faults = await context.app.inject({ method: 'GET', url: '/v1/supervisor/rules/ZJ-TEST-RULE/faults', headers: zhejiang });
    expect(faults.json()).toMatchObject({ faults: [{ recordId: 'THROWS', ruleVersion: '1@330000', problem: expect.stringContaining('division by zero') }] });
    expect((await context.services.monitoring.runOf(filing.filingId))?.faults).toBe(1);
  });

  it('dry-runs a tightened parameter over what is filed, as a job with progress, before applying it', async () => {
    const start = await post('/v1/supervisor/rules/dry-runs', hangzhou, { jurisdiction: '330100', ruleId: 'ZJ-TEST-RULE', parameters: { limit_fen: 300_000 }, effectiveFrom: '2026-03-01' });
    // Hangzhou did not make ZJ-TEST-RULE but may tighten it under Zhejiang.
    expect(start.statusCode).toBe(202);
    let job = start.json() as { jobId: string; status: string; progress: { checked: number; total: number }; result?: { added: number; removed: number; byInstitution: { institutionId: string; added: number }[]; examples: { recordId: string; change: string }[] } };
    while (job.status === 'running') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      job = (await context.app.inject({ method: 'GET', url: `/v1/supervisor/rules/dry-runs/${job.jobId}`, headers: hangzhou })).json() as typeof job;
    }
    expect(job.status).toBe('done');
    expect(job.progress).toEqual({ checked: 3, total: 3 });
    // SMALL (CNY 4,000) is above CNY 3,000 and would be added; BIG stays; nothing removed.
    expect(job.result).toMatchObject({ added: 1, removed: 0, byInstitution: [{ institutionId: hz.institutionId, added: 1 }], examples: [{ recordId: 'SMALL', change: 'added' }] });
    // Only the supervisor who started it reads it.
    expect((await context.app.inject({ method: 'GET', url: `/v1/supervisor/rules/dry-runs/${job.jobId}`, headers: zhejiang })).statusCode).toBe(404);
    const loosen = await post('/v1/supervisor/rules/dry-runs', hangzhou, { jurisdiction: '330100', ruleId: 'ZJ-TEST-RULE', parameters: { limit_fen: 900_000 } });
    expect(loosen.statusCode).toBe(422);
    expect(loosen.json().error.code).toBe('FH_RULE_PARAMETER_LOOSENED');
  });

  it('keeps the LPR as reference data with its source, extended by national supervisors only', async () => {
    const history = (await context.app.inject({ method: 'GET', url: '/v1/reference/lpr' })).json() as { rates: { effectiveOn: string; rate: number; source: string }[] };
    expect(history.rates[0]).toMatchObject({ effectiveOn: '2019-08-20', rate: 0.0425, source: expect.stringContaining('National Interbank Funding Center') });
    expect(history.rates.at(-1)).toMatchObject({ effectiveOn: '2025-05-20', rate: 0.03 });
    const value = { effectiveOn: '2026-11-20', rate: 0.029, source: 'NIFC announcement, 2026-11-20' };
    expect((await post('/v1/supervisor/reference/lpr', zhejiang, value)).statusCode).toBe(403);
    expect((await post('/v1/supervisor/reference/lpr', national, value)).statusCode).toBe(201);
    expect((await post('/v1/supervisor/reference/lpr', national, value)).statusCode).toBe(409);
    expect((await post('/v1/supervisor/reference/lpr', national, { ...value, effectiveOn: '2026-12-20', rate: 2.9 })).statusCode).toBe(400);
    const lookup = await context.services.rulebook.lprLookup();
    expect([lookup('2019-08-19'), lookup('2019-08-20'), lookup('2026-11-19'), lookup('2026-11-20')]).toEqual([undefined, 0.0425, 0.03, 0.029]);
  });
});
