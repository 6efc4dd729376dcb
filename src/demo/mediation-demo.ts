import type { Caller } from '../platform/auth/access.js';
import type { Services } from '../api/services.js';
import { DEMO_PASSWORD } from './demo-data.js';

/** The demo mediators: one per jurisdiction whose complaints the demo mediates, appointed by its supervisor. */
export const demoMediators = [
  { username: 'mediator1', displayName: '浙江省金融纠纷调解员', jurisdictionCode: '330000', appointedBy: 'zhejiang' },
  { username: 'mediator2', displayName: '广东省金融纠纷调解员', jurisdictionCode: '440000', appointedBy: 'guangdong' },
] as const;

async function session(services: Services, username: string): Promise<{ caller: Caller; token: string }> {
  const opened = await services.platform.auth.login(username, DEMO_PASSWORD);
  const principal = opened.principal;
  const id = principal.role === 'institution' ? principal.institutionId : principal.role === 'public' ? null : principal.userId;
  return { caller: { principal, actor: { role: principal.role, id } }, token: opened.token };
}

/**
 * The mediators, and one settled mediation: consumer1's complaint about hidden fees at `lender` is
 * answered with a partial refund, disputed, mediated by mediator1 and settled on terms both accept,
 * with the platform-signed agreement — every step through the services, as the portal takes them.
 */
export async function loadMediationDemo(services: Services, supervisors: ReadonlyMap<string, Caller>, lender: Caller, consumerUsername: string): Promise<void> {
  for (const m of demoMediators) {
    const supervisor = supervisors.get(m.appointedBy);
    if (!supervisor) throw new Error(`demo mediator ${m.username}: no demo supervisor ${m.appointedBy}`);
    await services.mediation.appointMediator(supervisor, { username: m.username, password: DEMO_PASSWORD, displayName: m.displayName, jurisdictionCode: m.jurisdictionCode });
  }
  if (lender.principal.role !== 'institution') throw new Error('the demo lender is an institution');
  const consumer = await session(services, consumerUsername);
  const mediator = await session(services, demoMediators[0].username);
  try {
    const complaint = await services.complaints.file(consumer.caller, {
      institutionId: lender.principal.institutionId,
      product: '钱塘快贷',
      productType: 'cash_loan',
      issue: 'hidden_fees',
      narrative: '借款 1 万元时未告知每月 50 元的会员服务费，12 个月共扣 600 元，综合年化成本超过 24%。',
      amountAtStakeYuan: '600.00',
    });
    const { complaintId } = complaint;
    await services.complaints.answer(lender, complaintId, { category: 'monetary_relief', text: '服务费已在借款合同第 7 条载明；出于善意，退还 300 元。', reliefYuan: '300.00' });
    await services.complaints.feedback(consumer.caller, complaintId, { verdict: 'disputed', reason: '签约页面未展示服务费条款，应全部退还。' });
    const room = await services.mediation.request(consumer.caller, complaintId);
    await services.mediation.take(mediator.caller, room.caseId);
    await services.mediation.submitPosition(consumer.caller, room.caseId, { text: '签约页面没有展示服务费，我从未同意，请退还全部 600 元。' });
    await services.mediation.submitPosition(lender, room.caseId, { text: '服务费条款在合同中，但同意签约流程的提示不够醒目，愿意多退一部分。' });
    const proposed = await services.mediation.propose(mediator.caller, room.caseId, { terms: '钱塘网络小额贷款有限公司于 10 个工作日内退还服务费 450 元，并在签约页面单独展示服务费；双方就本投诉再无争议。', amountFen: 45_000 });
    const proposalId = proposed.proposals[0]!.proposalId;
    await services.mediation.answer(consumer.caller, room.caseId, proposalId, 'accepted');
    await services.mediation.answer(lender, room.caseId, proposalId, 'accepted');
  } finally {
    await services.platform.auth.logout(consumer.token);
    await services.platform.auth.logout(mediator.token);
  }
}
