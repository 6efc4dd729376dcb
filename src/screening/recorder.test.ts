import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, startPlatform, type TestContext } from '../../test/harness.js';
import { institution, type TestInstitution } from '../filing/filing.test-support.js';
import { DecisionRecorder } from './recorder.js';
import type { NewDecision } from './screening.store.js';

const NOTE = 'line\nbreak \\ "quoted"\ttab';

for (const engine of engines) {
  describe(`decision recording (${engine})`, () => {
    let ctx: TestContext;
    let bank: TestInstitution;
    let now = Date.parse('2026-06-10T02:00:00Z'); // 10:00 China time

    const screen = (body: unknown) => ctx.app.inject({ method: 'POST', url: '/v1/screen', headers: { 'x-api-key': bank.apiKey, 'content-type': 'application/json' }, payload: JSON.stringify(body) });
    const payment = (payer: string) => ({ paymentId: `P-${randomUUID().slice(0, 8)}`, initiatedAt: new Date((now += 100)).toISOString(), amount: '80.00', currency: 'CNY', payer: { account: payer }, payee: { account: `SHOP-${payer}` } });
    const decisionRow = (overrides: Partial<NewDecision> = {}): NewDecision => ({
      decision_id: randomUUID(),
      institution_id: bank.institutionId,
      jurisdiction_code: '330100',
      payment_id: `P-${randomUUID().slice(0, 8)}`,
      idempotency_key: null,
      request_hash: 'a'.repeat(64),
      format: 'json',
      initiated_at: new Date(now),
      decided_at: new Date(now),
      currency: 'CNY',
      amount_minor: 8000,
      minor_units: 2,
      funding_source: 'other',
      payer_ref: 'b'.repeat(32),
      payee_ref: 'c'.repeat(32),
      device_ref: null,
      payer_pseudonym: null,
      score: 0,
      decision: 'allow',
      status: 'decided',
      final_decision: 'allow',
      // Quotes, a backslash and a tab must survive the COPY text format.
      rule_ids: ['odd "rule"\\x', 'tab\there'],
      reasons: JSON.stringify([{ ruleId: 'test-rule', ruleVersion: '1@000000', weight: 10, severity: 'low', facts: [{ name: 'note', kind: 'input', type: 'string', label: { zh: '附注', en: 'note' }, value: NOTE }] }]),
      outcome: null,
      outcome_at: null,
      outcome_note: null,
      settled_at: null,
      ...overrides,
    });
    const decisionsOfBank = async () => (await ctx.app.inject({ method: 'GET', url: '/v1/institution/screening/decisions?pageSize=1', headers: { 'x-api-key': bank.apiKey } })).json().total as number;

    beforeAll(async () => {
      ctx = await startPlatform(engine, { screeningSweepMs: 86_400_000 });
      bank = await institution(ctx, 611, '330100');
    }, 240_000);

    afterAll(async () => {
      await ctx?.close();
    });

    it('records every decision of a burst, and a held payment is on record with its reminder when its reply arrives', async () => {
      // Twenty payers with eight payments each in one minute, all at once: the sixth of a payer's
      // payments in a minute is held for confirmation, the others are allowed.
      const bodies = Array.from({ length: 20 }, (_, p) => Array.from({ length: 8 }, () => payment(`BURST-${p}`))).flat();
      const replies = await Promise.all(bodies.map((body) => screen(body)));
      for (const reply of replies) expect(reply.statusCode, reply.body).toBe(200);
      const decisions = replies.map((reply) => reply.json() as { decisionId: string; decision: string });
      const held = decisions.filter((d) => d.decision === 'confirm');
      expect(held.length).toBeGreaterThan(0);
      expect(decisions.filter((d) => d.decision === 'allow').length).toBeGreaterThan(0);
      // No flush asked for: a held decision is read from the database, with the reminder written in its transaction.
      for (const decision of held) {
        const read = await ctx.app.inject({ method: 'GET', url: `/v1/screen/${decision.decisionId}`, headers: { 'x-api-key': bank.apiKey } });
        expect(read.json()).toMatchObject({ decisionId: decision.decisionId, status: 'awaiting_consumer', reminder: { status: 'pending' } });
      }
      // Every decision answered is a row (the log waits for the batches in hand).
      expect(await decisionsOfBank()).toBe(decisions.length);
      const ids = new Set(decisions.map((d) => d.decisionId));
      expect(ids.size).toBe(decisions.length);
    });

    it('writes a batch holding a decision that is already there, leaving that one alone, and keeps the text of every column, by COPY or as JSON', async () => {
      const recorder = new DecisionRecorder(ctx.platform.database, ctx.platform.audit);
      const before = await decisionsOfBank();
      const first = decisionRow();
      recorder.add(first);
      await recorder.flush();
      expect(recorder.lastError).toBeUndefined();
      // The same decision again (as another process might write it), with enough new ones to go by
      // COPY: the COPY refuses the batch, and the inserts that skip existing rows write it.
      const later = Array.from({ length: 40 }, () => decisionRow());
      recorder.add({ ...first, score: 55 });
      for (const row of later) recorder.add(row);
      await recorder.flush();
      expect(recorder.lastError).toBeUndefined();
      expect(recorder.waiting).toBe(0);
      expect(await decisionsOfBank()).toBe(before + 1 + later.length);
      const read = await ctx.services.screening.decisions({ principal: { role: 'institution', institutionId: bank.institutionId, keyId: 'test' }, actor: { role: 'institution', id: bank.institutionId } }, { paymentId: first.payment_id, page: 1, pageSize: 5 });
      expect(read.items).toHaveLength(1);
      expect(read.items[0]).toMatchObject({ decisionId: first.decision_id, score: 0 });
      expect(read.items[0]!.reasons[0]!.facts[0]!.value).toBe(NOTE);
      const copied = await ctx.services.screening.decisions({ principal: { role: 'institution', institutionId: bank.institutionId, keyId: 'test' }, actor: { role: 'institution', id: bank.institutionId } }, { paymentId: later[0]!.payment_id, page: 1, pageSize: 5 });
      expect(copied.items[0]!.reasons[0]!.facts[0]!.value).toBe(NOTE);
      const ruleLog = await ctx.app.inject({ method: 'GET', url: `/v1/institution/screening/decisions?rule=${encodeURIComponent('tab\there')}&pageSize=200`, headers: { 'x-api-key': bank.apiKey } });
      expect((ruleLog.json().items as { decisionId: string }[]).map((d) => d.decisionId).sort()).toEqual([first.decision_id, ...later.map((row) => row.decision_id)].sort());
      await recorder.stop();
    });

    it('fails a hold that cannot be written alone, and still writes the decisions queued with it', async () => {
      const recorder = new DecisionRecorder(ctx.platform.database, ctx.platform.audit);
      const before = await decisionsOfBank();
      const taken = decisionRow({ idempotency_key: `key-${randomUUID()}` });
      recorder.add(taken);
      await recorder.flush();
      // A held payment under an idempotency key another decision already has: its decision is
      // skipped, so its reminder has nothing to refer to.
      const clash = decisionRow({ idempotency_key: taken.idempotency_key, decision: 'confirm', status: 'awaiting_consumer', final_decision: null });
      const queued = decisionRow();
      recorder.add(queued);
      const hold = recorder.hold(
        clash,
        { reminder_id: randomUUID(), decision_id: clash.decision_id, institution_id: bank.institutionId, consumer_pseudonym: null, channels: [], summary: '{}', status: 'pending', created_at: new Date(), deadline: new Date(Date.now() + 600_000), answered_at: null, answered_via: null },
        { actor: { role: 'institution', id: bank.institutionId }, entry: { action: 'screening.reminder.created', resource: 'screening_reminder:test' } },
      );
      await expect(hold).rejects.toThrow();
      await recorder.flush();
      expect(recorder.lastError).toBeUndefined();
      expect(await decisionsOfBank()).toBe(before + 2);
      await recorder.stop();
    });
  });
}
