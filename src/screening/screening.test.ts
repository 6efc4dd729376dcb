import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engines, makeResidentId, NATS_TEST_URL, REDIS_TEST_URL, serviceAvailable, startPlatform, supervisorSession, type TestContext } from '../../test/harness.js';
import type { Engine } from '../platform/database.js';
import { fileAndSign, institution, recordsCsv, type TestInstitution } from '../filing/filing.test-support.js';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { RedisFeatureState } from './features.js';
import { awaitDecision, ensureScreeningStreams, publishPayment } from './screening.nats.js';

type Mode = { name: string; engine: Engine; redis: boolean; nats: boolean };

const redisUp = await serviceAvailable('Redis', REDIS_TEST_URL, 'the Redis mode of the screening suite');
const natsUp = await serviceAvailable('NATS', NATS_TEST_URL, 'the NATS mode of the screening suite');
const modes: Mode[] = [
  ...engines.map((engine) => ({ name: `embedded on ${engine}`, engine, redis: false, nats: false })),
  ...(redisUp ? [{ name: 'Redis counters on pglite', engine: 'pglite' as Engine, redis: true, nats: false }] : []),
  // Payments arrive through the JetStream request stream and decisions leave through the decision stream; counters in Redis.
  ...(redisUp && natsUp ? [{ name: 'NATS workers with Redis counters on postgres', engine: (engines.includes('postgres') ? 'postgres' : 'pglite') as Engine, redis: true, nats: true }] : []),
];

/** What a test reads of a reply, whether it came over HTTP or from the decision stream. */
interface Reply {
  statusCode: number;
  body: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test replies are read loosely
}

const CONSUMER_ID = makeResidentId('330106', '1988-04-12', 31);

/** A loopback receiver that records what it is sent: the webhook target and the SMS gateway. */
async function receiver(): Promise<{ url: string; calls: { headers: Record<string, string | string[] | undefined>; body: string }[]; server: Server; status: { code: number } }> {
  const calls: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  const status = { code: 200 };
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      calls.push({ headers: request.headers, body });
      response.statusCode = status.code;
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, calls, server, status };
}

async function until<T>(read: () => Promise<T> | T, ok: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const mode of modes) {
  describe(`payment screening (${mode.name})`, () => {
    let ctx: TestContext;
    let payer: TestInstitution;
    let other: TestInstitution;
    let sms: Awaited<ReturnType<typeof receiver>>;
    let hook: Awaited<ReturnType<typeof receiver>>;
    let redis: RedisFeatureState | undefined;
    const prefix = `fenghuo:test:${randomUUID()}:`;
    const streamName = `FH_SCREEN_T${randomUUID().replace(/-/g, '').slice(0, 12).toUpperCase()}`;
    const names = { stream: streamName, subjects: streamName.toLowerCase().replace(/_/g, '.') };
    let nc: NatsConnection | undefined;
    let js: JetStreamClient;
    let jsm: JetStreamManager;
    let now = Date.parse('2026-06-10T02:00:00Z'); // 10:00 China time
    const at = (offsetMs = 0) => new Date((now += offsetMs)).toISOString();

    const screen = async (who: TestInstitution, body: unknown, headers: Record<string, string> = {}): Promise<Reply> => {
      const payload = typeof body === 'string' ? body : JSON.stringify(body);
      if (!mode.nats) return ctx.app.inject({ method: 'POST', url: '/v1/screen', headers: { 'x-api-key': who.apiKey, 'content-type': 'application/json', ...headers }, payload });
      const published = await publishPayment(js, { institutionId: who.institutionId, body: payload, contentType: headers['content-type'] ?? 'application/json', idempotencyKey: headers['idempotency-key'] }, names);
      const result = await awaitDecision(jsm, published.decisionSubject, names);
      const reply = 'decision' in result ? result.decision : { error: result.error };
      return { statusCode: result.status, body: JSON.stringify(reply), json: () => reply };
    };
    const payment = (overrides: Record<string, unknown> = {}) => ({
      paymentId: `P-${randomUUID().slice(0, 8)}`,
      initiatedAt: at(1000),
      amount: '120.00',
      currency: 'CNY',
      payer: { account: 'ACC-PAYER-1' },
      payee: { account: 'ACC-SHOP-1', name: '便利店' },
      ...overrides,
    });
    const factOf = (decision: { reasons: { ruleId: string; facts: { name: string; value: unknown }[] }[] }, ruleId: string, name: string) =>
      decision.reasons.find((r) => r.ruleId === ruleId)?.facts.find((f) => f.name === name)?.value;

    beforeAll(async () => {
      sms = await receiver();
      hook = await receiver();
      // The reminder desk sweeps only when a test says so (a background sweep would race its assertions).
      // With NATS, the platform's own events go to a stream of this run's too, deleted at the end.
      ctx = await startPlatform(mode.engine, { smsGatewayUrl: sms.url, screeningSweepMs: 86_400_000, ...(mode.nats ? { natsUrl: NATS_TEST_URL, screeningStream: streamName } : {}) }, mode.nats ? { events: { stream: `${streamName}_EVENTS`, subjectPrefix: `${names.subjects}.events` } } : {});
      if (mode.nats) {
        nc = await connect({ servers: NATS_TEST_URL });
        js = jetstream(nc);
        jsm = await jetstreamManager(nc);
        await ensureScreeningStreams(jsm, names);
      }
      if (mode.redis) {
        redis = await RedisFeatureState.open(REDIS_TEST_URL, prefix);
        await ctx.services.screening.useFeatureState(redis);
      }
      payer = await institution(ctx, 501, '330100');
      other = await institution(ctx, 502, '440300');
    }, 240_000);

    afterAll(async () => {
      await ctx?.close();
      if (nc) {
        for (const suffix of ['_REQUESTS', '_DECISIONS', '_EVENTS']) await jsm.streams.delete(`${streamName}${suffix}`).catch(() => false);
        await nc.close();
      }
      sms?.server.close();
      hook?.server.close();
      if (mode.redis) {
        const { Redis } = await import('ioredis');
        const client = new Redis(REDIS_TEST_URL);
        const keys = await client.keys(`${prefix}*`);
        if (keys.length > 0) await client.del(...keys);
        await client.quit();
      }
    });

    it('allows an ordinary payment and records the decision, readable by its institution only', async () => {
      const reply = await screen(payer, payment());
      expect(reply.statusCode, reply.body).toBe(200);
      const decision = reply.json();
      expect(decision).toMatchObject({ decision: 'allow', finalDecision: 'allow', status: 'decided', score: 0, reasons: [], currency: 'CNY', amountMinor: 12000, minorUnits: 2, format: 'json' });
      const read = await ctx.app.inject({ method: 'GET', url: `/v1/screen/${decision.decisionId}`, headers: { 'x-api-key': payer.apiKey } });
      expect(read.json()).toMatchObject({ decisionId: decision.decisionId, decision: 'allow' });
      const stranger = await ctx.app.inject({ method: 'GET', url: `/v1/screen/${decision.decisionId}`, headers: { 'x-api-key': other.apiKey } });
      expect(stranger.statusCode).toBe(404);
      await ctx.services.screening.recorder.flush();
      const stored = await ctx.platform.database.db.selectFrom('screening_decision').select(['payer_ref', 'payee_ref']).where('decision_id', '=', decision.decisionId).executeTakeFirstOrThrow();
      expect(JSON.stringify(stored)).not.toContain('ACC-PAYER-1');
    });

    it('counts a burst: five payments in a minute pass, the sixth asks for confirmation', async () => {
      const account = { account: `BURST-${mode.name}` };
      const decisions = [];
      for (let i = 0; i < 6; i++) decisions.push((await screen(payer, payment({ payer: account, initiatedAt: at(5000) }))).json());
      expect(decisions.slice(0, 5).map((d) => d.decision)).toEqual(['allow', 'allow', 'allow', 'allow', 'allow']);
      expect(decisions[5]).toMatchObject({ decision: 'confirm', score: 30, status: 'awaiting_consumer', finalDecision: null });
      expect(factOf(decisions[5], 'CN-SCREEN-PAYER-BURST', 'payer_payments_1m')).toBe(6);
      expect(decisions[5].reasons[0].explanation.zh).toContain('6 笔');
      // A minute later the window has moved on.
      const later = (await screen(payer, payment({ payer: account, initiatedAt: at(61_000) }))).json();
      expect(later.decision).toBe('allow');
    });

    it('fires the large first payment at the threshold and not a fen below it', async () => {
      const below = (await screen(payer, payment({ payer: { account: 'NEW-1' }, payee: { account: 'NEW-PAYEE-1' }, amount: '4999.99' }))).json();
      expect(below.reasons.map((r: { ruleId: string }) => r.ruleId)).not.toContain('CN-SCREEN-NEW-PAYEE-LARGE');
      const at5000 = (await screen(payer, payment({ payer: { account: 'NEW-2' }, payee: { account: 'NEW-PAYEE-2' }, amount: '5000.00' }))).json();
      expect(at5000).toMatchObject({ decision: 'confirm', score: 40 });
      expect(at5000.reasons[0].explanation.en).toContain('CNY 5,000.00');
    });

    it('holds a payment for the consumer, who confirms it in the portal; the institution gets a signed webhook; every step is in their access log', async () => {
      const consumer = await ctx.app.inject({ method: 'POST', url: '/v1/public/consumers', payload: { username: `payer-${mode.name.replace(/\W/g, '')}`, password: 'a long password 1', displayName: '付款人', residentId: CONSUMER_ID } });
      expect([201, 409]).toContain(consumer.statusCode);
      const login = await ctx.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { username: `payer-${mode.name.replace(/\W/g, '')}`, password: 'a long password 1' } });
      const consumerHeaders = { authorization: `Bearer ${login.json().token}` };
      const settings = await ctx.app.inject({ method: 'PUT', url: '/v1/institution/screening/settings', headers: { 'x-api-key': payer.apiKey }, payload: { webhookUrl: hook.url, webhookSecret: 'a shared secret of the institution', reminderSeconds: 300 } });
      expect(settings.statusCode, settings.body).toBe(200);

      const held = (await screen(payer, payment({ payer: { account: 'CONSUMER-ACC', residentId: CONSUMER_ID, phone: '13800138000' }, payee: { account: 'STRANGER-9', name: '某某客服' }, amount: '8000.00' }))).json();
      expect(held).toMatchObject({ decision: 'confirm', status: 'awaiting_consumer', reminder: null });
      await until(() => sms.calls.length, (n) => n > 0);
      expect(sms.calls[0]!.body).toContain('13800138000');
      expect(sms.calls[0]!.body).toContain('8000.00');
      // The deadline in China time: five minutes after the reminder was made.
      const said = /北京时间 (\d{2})-(\d{2}) (\d{2}):(\d{2}) 前/.exec(JSON.parse(sms.calls[0]!.body).text as string);
      expect(said).not.toBeNull();
      const year = new Date().getUTCFullYear();
      const saidAt = Date.parse(`${year}-${said![1]}-${said![2]}T${said![3]}:${said![4]}:00+08:00`);
      expect(Math.abs(saidAt - (Date.now() + 300_000))).toBeLessThan(120_000);

      const inbox = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/reminders?status=pending', headers: consumerHeaders })).json();
      expect(inbox.items).toHaveLength(1);
      const reminder = inbox.items[0];
      expect(reminder).toMatchObject({ decisionId: held.decisionId, status: 'pending', channels: ['inbox', 'sms'], summary: { payeeName: '某某客服', payeeAccountMasked: '****ER-9', amountMinor: 800000 } });
      expect(reminder.summary.reasons[0].explanation.zh).toContain('8,000.00 元');

      const polled = (await ctx.app.inject({ method: 'GET', url: `/v1/screen/${held.decisionId}`, headers: { 'x-api-key': payer.apiKey } })).json();
      expect(polled).toMatchObject({ status: 'awaiting_consumer', finalDecision: null, reminder: { status: 'pending' } });

      const confirmed = await ctx.app.inject({ method: 'POST', url: `/v1/consumer/reminders/${reminder.reminderId}/confirm`, headers: { ...consumerHeaders, 'x-fenghuo-client': 'portal' } });
      expect(confirmed.json()).toMatchObject({ status: 'confirmed', answeredVia: 'portal' });
      const again = await ctx.app.inject({ method: 'POST', url: `/v1/consumer/reminders/${reminder.reminderId}/reject`, headers: consumerHeaders });
      expect(again.statusCode).toBe(409);
      expect(again.json().error.code).toBe('FH_SCREEN_REMINDER_CLOSED');

      expect((await ctx.app.inject({ method: 'GET', url: `/v1/screen/${held.decisionId}`, headers: { 'x-api-key': payer.apiKey } })).json()).toMatchObject({ status: 'confirmed', finalDecision: 'allow', reminder: { status: 'confirmed' } });
      // The decision log shows the held payment with its reminder's answer.
      const decisionLog = (await ctx.app.inject({ method: 'GET', url: `/v1/institution/screening/decisions?status=confirmed&paymentId=${held.paymentId}`, headers: { 'x-api-key': payer.apiKey } })).json();
      expect(decisionLog.items).toEqual([expect.objectContaining({ decisionId: held.decisionId, reminder: expect.objectContaining({ status: 'confirmed', answeredVia: 'portal' }) })]);

      // Two senders at once (two sweeps, or two processes) send it once: each claims what it sends.
      const sent = await Promise.all([ctx.services.screening.reminders.deliverWebhooks(), ctx.services.screening.reminders.deliverWebhooks()]);
      expect(sent.sort()).toEqual([0, 1]);
      expect(hook.calls).toHaveLength(1);
      const call = hook.calls[0]!;
      const [t, v1] = String(call.headers['fenghuo-signature']).split(',').map((part) => part.split('=')[1]);
      expect(v1).toBe(createHmac('sha256', 'a shared secret of the institution').update(`${t}.${call.body}`).digest('hex'));
      expect(JSON.parse(call.body)).toMatchObject({ decisionId: held.decisionId, status: 'confirmed', finalDecision: 'allow' });

      // Someone else's consumer account cannot see or answer it.
      const log = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/access-log?pageSize=50', headers: consumerHeaders })).json();
      const actions = log.items.map((item: { action: string }) => item.action);
      expect(actions).toEqual(expect.arrayContaining(['screening.reminder.created', 'screening.reminder.sent', 'screening.reminder.confirmed']));

      // Confirmed, the payee is known now: the same payment again is not a first payment.
      const second = (await screen(payer, payment({ payer: { account: 'CONSUMER-ACC', residentId: CONSUMER_ID }, payee: { account: 'STRANGER-9' }, amount: '8000.00' }))).json();
      expect(second.reasons.map((r: { ruleId: string }) => r.ruleId)).not.toContain('CN-SCREEN-NEW-PAYEE-LARGE');
      await ctx.services.screening.recorder.flush();
      const logAfter = (await ctx.app.inject({ method: 'GET', url: '/v1/consumer/access-log?pageSize=50', headers: consumerHeaders })).json();
      expect(logAfter.items.map((item: { action: string }) => item.action)).toContain('screening.decision');
    });

    it('retries a failed webhook with back-off, and expires an unanswered reminder to the institution default', async () => {
      hook.status.code = 500;
      const before = hook.calls.length;
      const held = (await screen(payer, payment({ payer: { account: 'EXPIRY-ACC', residentId: CONSUMER_ID }, payee: { account: 'STRANGER-EXP' }, amount: '9000.00' }))).json();
      expect(held.decision).toBe('confirm');
      expect(await ctx.services.screening.reminders.expire(new Date(Date.now() + 299_000))).toBe(0);
      expect(await ctx.services.screening.reminders.expire(new Date(Date.now() + 301_000))).toBe(1);
      expect((await ctx.app.inject({ method: 'GET', url: `/v1/screen/${held.decisionId}`, headers: { 'x-api-key': payer.apiKey } })).json()).toMatchObject({ status: 'expired', finalDecision: 'block', reminder: { status: 'expired', answeredVia: 'expiry' } });
      expect(await ctx.services.screening.reminders.deliverWebhooks()).toBe(0);
      expect(hook.calls.length).toBe(before + 1);
      const row = await ctx.platform.database.db.selectFrom('screening_webhook').selectAll().where('decision_id', '=', held.decisionId).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ attempts: 1, delivered_at: null, last_error: 'answered 500' });
      expect(row.next_attempt_at.getTime()).toBeGreaterThan(Date.now());
      hook.status.code = 200;
      expect(await ctx.services.screening.reminders.deliverWebhooks(new Date(Date.now() + 10_000))).toBe(1);
    });

    it('answers a retry with the same decision without counting it again; another payment under the same key is 409', async () => {
      const body = payment({ payer: { account: 'IDEM-ACC' } });
      const first = await screen(payer, body, { 'idempotency-key': 'key-1' });
      const retry = await screen(payer, body, { 'idempotency-key': 'key-1' });
      expect(retry.json().decisionId).toBe(first.json().decisionId);
      const mismatch = await screen(payer, { ...body, amount: '121.00' }, { 'idempotency-key': 'key-1' });
      expect(mismatch.statusCode).toBe(409);
      expect(mismatch.json().error).toMatchObject({ code: 'FH_SCREEN_IDEMPOTENCY_MISMATCH', field: 'headers.idempotency-key' });
      // The same key belongs to each institution separately.
      expect((await screen(other, body, { 'idempotency-key': 'key-1' })).json().decisionId).not.toBe(first.json().decisionId);
      // Counted once: four more make five in the minute, which does not fire; a sixth does.
      for (let i = 0; i < 4; i++) expect((await screen(payer, payment({ payer: { account: 'IDEM-ACC' }, initiatedAt: at(100) }))).json().decision).toBe('allow');
      expect((await screen(payer, payment({ payer: { account: 'IDEM-ACC' }, initiatedAt: at(100) }))).json().decision).toBe('confirm');
      await ctx.services.screening.recorder.flush();
      const rows = await ctx.platform.database.db.selectFrom('screening_decision').select('decision_id').where('idempotency_key', '=', 'key-1').execute();
      expect(rows).toHaveLength(2);
    });

    it('refuses bad input with a stable code and the field at fault, counting nothing', async () => {
      const account = { account: 'BAD-INPUT-ACC' };
      const cases: [unknown, string, number, string, string | undefined][] = [
        ['{"paymentId": ', 'application/json', 400, 'FH_MALFORMED_JSON', undefined],
        [payment({ payer: account, amount: '-5.00' }), 'application/json', 422, 'FH_SCREEN_AMOUNT_INVALID', 'body.amount'],
        [payment({ payer: account, amount: undefined }), 'application/json', 422, 'FH_SCREEN_AMOUNT_INVALID', 'body.amount'],
        [payment({ payer: account, amount: '1.234' }), 'application/json', 422, 'FH_SCREEN_AMOUNT_PRECISION', 'body.amount'],
        [payment({ payer: account, currency: 'ABC' }), 'application/json', 422, 'FH_SCREEN_CURRENCY_UNKNOWN', 'body.currency'],
        [payment({ payer: account, currency: 'USD' }), 'application/json', 422, 'FH_SCREEN_CURRENCY_NOT_ENABLED', 'currency'],
        ['<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><Document>&b;</Document>', 'application/xml', 400, 'FH_SCREEN_XML_FORBIDDEN', undefined],
        ['<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.02"><FIToFICstmrCdtTrf/></Document>', 'application/xml', 422, 'FH_SCREEN_MESSAGE_UNSUPPORTED', undefined],
        ['<Document><unclosed>', 'application/xml', 400, 'FH_SCREEN_MALFORMED_XML', undefined],
      ];
      for (const [body, contentType, status, code, field] of cases) {
        const reply = await screen(payer, typeof body === 'string' ? body : JSON.stringify(body), { 'content-type': contentType });
        expect(reply.statusCode, `${code}: ${reply.body}`).toBe(status);
        expect(reply.json().error.code).toBe(code);
        if (field) expect(reply.json().error.field).toBe(field);
      }
      // Over HTTP (the broker has its own limit on a message's size, and its own accounts).
      const huge = await ctx.app.inject({ method: 'POST', url: '/v1/screen', headers: { 'x-api-key': payer.apiKey, 'content-type': 'application/json' }, payload: JSON.stringify({ ...payment({ payer: account }), padding: 'x'.repeat(10 * 1024 * 1024) }) });
      expect(huge.statusCode).toBe(413);
      expect(huge.json().error.code).toBe('FH_PAYLOAD_TOO_LARGE');
      const unauthenticated = await ctx.app.inject({ method: 'POST', url: '/v1/screen', headers: { 'content-type': 'application/json' }, payload: JSON.stringify(payment()) });
      expect(unauthenticated.statusCode).toBe(401);
      // Nothing was counted: five good payments now do not make a burst.
      for (let i = 0; i < 5; i++) expect((await screen(payer, payment({ payer: account, initiatedAt: at(10) }))).json().decision).toBe('allow');
    });

    it('screens an ISO 20022 pacs.008 credit transfer and a Tazama message like a JSON payment', async () => {
      const xml = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.10">
  <FIToFICstmrCdtTrf>
    <GrpHdr><MsgId>M-1</MsgId><CreDtTm>2026-06-10T10:30:00+08:00</CreDtTm><NbOfTxs>1</NbOfTxs><SttlmInf><SttlmMtd>CLRG</SttlmMtd></SttlmInf></GrpHdr>
    <CdtTrfTxInf>
      <PmtId><EndToEndId>E2E-XML-1</EndToEndId><TxId>TX-1</TxId></PmtId>
      <IntrBkSttlmAmt Ccy="CNY">6000.00</IntrBkSttlmAmt>
      <ChrgBr>SLEV</ChrgBr>
      <Dbtr><Nm>付款人</Nm></Dbtr>
      <DbtrAcct><Id><Othr><Id>XML-PAYER</Id></Othr></Id></DbtrAcct>
      <DbtrAgt><FinInstnId><BICFI>ABCDCNBJXXX</BICFI></FinInstnId></DbtrAgt>
      <CdtrAgt><FinInstnId><BICFI>EFGHCNSHXXX</BICFI></FinInstnId></CdtrAgt>
      <Cdtr><Nm>收款人</Nm></Cdtr>
      <CdtrAcct><Id><Othr><Id>XML-PAYEE</Id></Othr></Id></CdtrAcct>
    </CdtTrfTxInf>
  </FIToFICstmrCdtTrf>
</Document>`;
      const reply = await screen(payer, xml, { 'content-type': 'application/xml' });
      expect(reply.statusCode, reply.body).toBe(200);
      expect(reply.json()).toMatchObject({ paymentId: 'E2E-XML-1', format: 'pacs.008', amountMinor: 600000, decision: 'confirm' });
      expect(reply.json().reasons[0].ruleId).toBe('CN-SCREEN-NEW-PAYEE-LARGE');
      const tazama = {
        TxTp: 'pacs.008.001.10',
        FIToFICstmrCdtTrf: {
          GrpHdr: { MsgId: 'm-2', CreDtTm: '2026-06-10T03:00:00.000Z', NbOfTxs: 1, SttlmInf: { SttlmMtd: 'CLRG' } },
          CdtTrfTxInf: {
            PmtId: { InstrId: 'i-2', EndToEndId: 'E2E-TAZAMA-1' },
            IntrBkSttlmAmt: { Amt: { Amt: 88.5, Ccy: 'CNY' } },
            ChrgBr: 'DEBT',
            Dbtr: { Nm: 'Payer', Id: { PrvtId: { Othr: [{ Id: '+8613800000000', SchmeNm: { Prtry: 'MSISDN' } }] } }, CtctDtls: { MobNb: '+86-13800000000' } },
            DbtrAcct: { Id: { Othr: [{ Id: '+8613800000000', SchmeNm: { Prtry: 'MSISDN' } }] } },
            DbtrAgt: { FinInstnId: { ClrSysMmbId: { MmbId: 'dfsp001' } } },
            CdtrAgt: { FinInstnId: { ClrSysMmbId: { MmbId: 'dfsp002' } } },
            Cdtr: { Nm: 'Payee' },
            CdtrAcct: { Id: { Othr: [{ Id: '+8613900000000', SchmeNm: { Prtry: 'MSISDN' } }] } },
          },
        },
      };
      const fromTazama = await screen(payer, tazama);
      expect(fromTazama.statusCode, fromTazama.body).toBe(200);
      expect(fromTazama.json()).toMatchObject({ paymentId: 'E2E-TAZAMA-1', format: 'tazama', amountMinor: 8850, decision: 'allow' });
      const oldVersion = await screen(payer, { ...tazama, TxTp: 'pacs.008.001.02' });
      expect(oldVersion.json().error).toMatchObject({ code: 'FH_SCREEN_MESSAGE_UNSUPPORTED', field: 'body.TxTp' });
    });

    it('puts a confirmed-fraud payee on the watch list at once, for every institution, and shows precision to the supervisor', async () => {
      const first = (await screen(payer, payment({ payer: { account: 'VICTIM-1' }, payee: { account: 'MULE-1' }, amount: '300.00' }))).json();
      expect(first.decision).toBe('allow');
      const reported = await ctx.app.inject({ method: 'POST', url: `/v1/screen/${first.decisionId}/outcome`, headers: { 'x-api-key': payer.apiKey }, payload: { outcome: 'confirmed_fraud', note: '受害人报案' } });
      expect(reported.statusCode, reported.body).toBe(200);
      const conflict = await ctx.app.inject({ method: 'POST', url: `/v1/screen/${first.decisionId}/outcome`, headers: { 'x-api-key': payer.apiKey }, payload: { outcome: 'false_positive' } });
      expect(conflict.json().error.code).toBe('FH_SCREEN_OUTCOME_CONFLICT');
      const next = (await screen(other, payment({ payer: { account: 'VICTIM-2' }, payee: { account: 'MULE-1' }, amount: '50.00' }))).json();
      expect(next).toMatchObject({ decision: 'block', score: 100, finalDecision: 'block' });
      expect(next.reasons.map((r: { ruleId: string }) => r.ruleId)).toContain('CN-SCREEN-PAYEE-WATCHLIST');
      const fp = await ctx.app.inject({ method: 'POST', url: `/v1/screen/${next.decisionId}/outcome`, headers: { 'x-api-key': other.apiKey }, payload: { outcome: 'false_positive' } });
      expect(fp.statusCode).toBe(200);

      const supervisor = await supervisorSession(ctx, `screen-sup-${mode.name.replace(/\W/g, '')}`, '000000');
      const stats = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/screening/stats?from=2026-01-01&to=2026-12-31', headers: supervisor })).json();
      const watch = stats.rules.find((r: { ruleId: string }) => r.ruleId === 'CN-SCREEN-PAYEE-WATCHLIST');
      expect(watch).toMatchObject({ hits: 1, decisions: { block: 1 }, falsePositive: 1, confirmedFraud: 0, precision: 0 });
      expect(stats.days.reduce((sum: number, d: { total: number }) => sum + d.total, 0)).toBeGreaterThan(10);
      const hangzhou = await supervisorSession(ctx, `screen-hz-${mode.name.replace(/\W/g, '')}`, '330100');
      const hz = (await ctx.app.inject({ method: 'GET', url: '/v1/supervisor/screening/stats?from=2026-01-01&to=2026-12-31', headers: hangzhou })).json();
      expect(hz.rules.find((r: { ruleId: string }) => r.ruleId === 'CN-SCREEN-PAYEE-WATCHLIST')).toBeUndefined();
    });

    it('knows from the filed loans a payer who borrows on three platforms, once the identity number comes with the payment', async () => {
      const borrower = makeResidentId('320102', '1979-09-09', 41);
      const lenders = [payer, other, await institution(ctx, 503, '110000')];
      for (const [i, lender] of lenders.entries()) {
        const filing = await fileAndSign(ctx, lender, 'loan', '2024-06', recordsCsv('loan', [{ loan_id: `ML-${i}`, contract_id: `MLC-${i}`, borrower_id: borrower }]));
        expect(filing.status).toBe('accepted');
      }
      await ctx.services.screening.refreshMultiLending();
      const known = (await screen(payer, payment({ payer: { account: 'ML-ACC', residentId: borrower }, payee: { account: 'ML-NEW-PAYEE' }, amount: '200.00' }))).json();
      expect(known.reasons.map((r: { ruleId: string }) => r.ruleId)).toEqual(['CN-SCREEN-BORROWER-NEW-PAYEE']);
      expect(known).toMatchObject({ score: 20, decision: 'allow' });
      // Without the number the payer cannot be matched to the filed loans.
      const unknown = (await screen(payer, payment({ payer: { account: 'ML-ACC-2' }, payee: { account: 'ML-NEW-PAYEE-2' }, amount: '200.00' }))).json();
      expect(unknown.reasons).toEqual([]);
    });

    it.runIf(mode.redis && !mode.nats)('answers 503 while Redis is away, counting and recording nothing, and screens again when it is back', async () => {
      await ctx.services.screening.recorder.flush();
      const count = async () => Number((await ctx.platform.database.db.selectFrom('screening_decision').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow()).n);
      const before = await count();
      await redis!.close();
      const away = await screen(payer, payment({ payer: { account: 'REDIS-AWAY' } }));
      expect(away.statusCode).toBe(503);
      expect(away.json().error.code).toBe('FH_SCREEN_COUNTERS_UNAVAILABLE');
      await ctx.services.screening.recorder.flush();
      expect(await count()).toBe(before);
      redis = await RedisFeatureState.open(REDIS_TEST_URL, prefix);
      await ctx.services.screening.useFeatureState(redis);
      const back = (await screen(payer, payment({ payer: { account: 'REDIS-AWAY' } }))).json();
      expect(back).toMatchObject({ decision: 'allow' });
    });

    it('keeps thresholds within the bounds a supervisor sets; a city may tighten the province, never loosen it', async () => {
      const province = await supervisorSession(ctx, `bounds-zj-${mode.name.replace(/\W/g, '')}`, '330000');
      const set = await ctx.app.inject({ method: 'PUT', url: '/v1/supervisor/screening/bounds/330000', headers: province, payload: { confirmMax: 40, reviewMax: 70, blockMax: 95 } });
      expect(set.statusCode, set.body).toBe(200);
      const city = await supervisorSession(ctx, `bounds-hz-${mode.name.replace(/\W/g, '')}`, '330100');
      const loosen = await ctx.app.inject({ method: 'PUT', url: '/v1/supervisor/screening/bounds/330100', headers: city, payload: { confirmMax: 50, reviewMax: 70, blockMax: 95 } });
      expect(loosen.statusCode).toBe(422);
      expect(loosen.json().error).toMatchObject({ code: 'FH_SCREEN_THRESHOLD_OUT_OF_BOUNDS', field: 'body.confirmMax', details: { bound: 40 } });
      expect((await ctx.app.inject({ method: 'PUT', url: '/v1/supervisor/screening/bounds/330100', headers: city, payload: { confirmMax: 35, reviewMax: 70, blockMax: 95 } })).statusCode).toBe(200);
      const elsewhere = await ctx.app.inject({ method: 'PUT', url: '/v1/supervisor/screening/bounds/440300', headers: city, payload: { confirmMax: 35, reviewMax: 70, blockMax: 95 } });
      expect(elsewhere.statusCode).toBe(403);
      const tooHigh = await ctx.app.inject({ method: 'PUT', url: '/v1/institution/screening/settings', headers: { 'x-api-key': payer.apiKey }, payload: { thresholds: { confirm: 36, review: 60, block: 90 } } });
      expect(tooHigh.json().error).toMatchObject({ code: 'FH_SCREEN_THRESHOLD_OUT_OF_BOUNDS', field: 'body.thresholds.confirm', details: { bound: 35 } });
      const ok = await ctx.app.inject({ method: 'PUT', url: '/v1/institution/screening/settings', headers: { 'x-api-key': payer.apiKey }, payload: { thresholds: { confirm: 35, review: 60, block: 90 }, currencies: ['CNY', 'JPY'] } });
      expect(ok.json()).toMatchObject({ thresholds: { confirm: 35 }, currencies: ['CNY', 'JPY'], bounds: { confirmMax: 35, setBy: { confirmMax: '330100', blockMax: '330000' } } });
      // A JPY payment has no minor units; a fractional yen is refused.
      expect((await screen(payer, payment({ currency: 'JPY', amount: '1000' }))).json()).toMatchObject({ currency: 'JPY', amountMinor: 1000, minorUnits: 0 });
      expect((await screen(payer, payment({ currency: 'JPY', amount: '1000.5' }))).json().error.code).toBe('FH_SCREEN_AMOUNT_PRECISION');
    });
  });
}
