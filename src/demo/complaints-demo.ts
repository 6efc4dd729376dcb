import type { Services } from '../api/services.js';
import type { Caller } from '../platform/auth/access.js';
import { chinaDay } from '../standard/china-time.js';
import { DEMO_PASSWORD } from './demo-data.js';

/**
 * Complaints in every state, through the complaint service: consumer1's new complaint against
 * Qiantang and one it answered that consumer1 disputes (ready for mediation), one Yongjiang
 * answered with relief; consumer2's complaint that Qianhai received by telephone three weeks ago
 * and has not answered (late), and one against an unregistered app, routed to the Guangdong
 * supervisor; consumer3's complaint that Pujiang settled to their satisfaction. Three lenders also
 * forward complaints their hotlines took from borrowers without an account (`borrowers`), most
 * answered, so the public statistics have groups large enough to publish.
 */
export async function loadComplaintsDemo(services: Services, consumers: readonly { username: string; residentId: string }[], institutions: ReadonlyMap<string, Caller>, borrowers: readonly string[]): Promise<void> {
  const { complaints } = services;
  const as = async (username: string): Promise<{ caller: Caller; logout: () => Promise<void> }> => {
    const session = await services.platform.auth.login(username, DEMO_PASSWORD);
    if (session.principal.role !== 'consumer') throw new Error(`${username} is not a consumer`);
    return { caller: { principal: session.principal, actor: { role: 'consumer', id: session.principal.userId } }, logout: () => services.platform.auth.logout(session.token) };
  };
  const institution = (key: string) => {
    const caller = institutions.get(key);
    if (caller?.principal.role !== 'institution') throw new Error(`no demo institution ${key}`);
    return { caller, institutionId: caller.principal.institutionId };
  };
  const qiantang = institution('qiantang');
  const yongjiang = institution('yongjiang');
  const qianhai = institution('qianhai');
  const pujiang = institution('pujiang');

  const consumer1 = await as(consumers[0]!.username);
  await complaints.file(consumer1.caller, { institutionId: qiantang.institutionId, product: '钱塘快贷 App 现金贷', productType: 'cash_loan', issue: 'illegal_collection', narrative: '逾期第二天起，催收人员每天多次致电我的同事和家人，并发送威胁短信。', amountAtStakeYuan: '3000' });
  const disputed = await complaints.file(consumer1.caller, {
    institutionId: qiantang.institutionId,
    product: '钱塘快贷 App 现金贷',
    productType: 'cash_loan',
    issue: 'hidden_fees',
    narrative: '借款 10,000 元，合同写明年利率 14.4%，但每月另扣“会员服务费” 198 元，借款时未告知。',
    amountAtStakeYuan: '2376.00',
  });
  await complaints.answer(qiantang.caller, disputed.complaintId, { category: 'closed_with_explanation', text: '会员服务费为用户自愿开通的增值服务，页面已有提示，不予退还。' });
  await complaints.feedback(consumer1.caller, disputed.complaintId, { verdict: 'disputed', reason: '我从未主动开通会员，借款页面默认勾选，应全额退还。' });
  const answered = await complaints.file(consumer1.caller, { institutionId: yongjiang.institutionId, product: '甬江消费分期', productType: 'consumer_installment', issue: 'unauthorised_payment', narrative: '提前还款后仍被自动扣款一期 860.50 元。', amountAtStakeYuan: '860.50' });
  await complaints.answer(yongjiang.caller, answered.complaintId, { category: 'monetary_relief', text: '经核实系系统扣款错误，已原路退回 860.50 元，并致歉。', reliefYuan: '860.50' });
  await consumer1.logout();

  const consumer2 = await as(consumers[1]!.username);
  await complaints.forward(qianhai.caller, {
    residentId: consumers[1]!.residentId,
    receivedOn: chinaDay(new Date(Date.now() - 21 * 86_400_000)),
    product: '前海随借',
    productType: 'cash_loan',
    issue: 'account_closure_refused',
    narrative: '客户来电：贷款已结清，申请注销账户被拒绝，要求先开通新产品。',
  });
  await complaints.file(consumer2.caller, { institutionName: '闪电速借 App', product: '闪电速借 7 天借款', productType: 'cash_loan', issue: 'data_leak', narrative: '下载该 App 借款后，通讯录里的朋友都收到了催收短信；该平台查不到任何放贷资质。', amountAtStakeYuan: '1500' });
  await consumer2.logout();

  const consumer3 = await as(consumers[2]!.username);
  const settled = await complaints.file(consumer3.caller, { institutionId: pujiang.institutionId, product: '浦江信用贷', productType: 'cash_loan', issue: 'credit_report_error', narrative: '已按期还清的借款在征信报告中显示为逾期。' });
  await complaints.answer(pujiang.caller, settled.complaintId, { category: 'non_monetary_relief', text: '经核实系报送错误，已提交更正，征信记录将在下次报送后更新。' });
  await complaints.feedback(consumer3.caller, settled.complaintId, { verdict: 'satisfied' });
  await consumer3.logout();

  const issues = ['hidden_fees', 'illegal_collection', 'misleading_sale', 'service_quality', 'unauthorised_payment'] as const;
  const answers = [
    { category: 'closed_with_explanation', text: '已向客户说明合同约定的费用构成。' },
    { category: 'monetary_relief', text: '已退还多收费用。', reliefYuan: '120.00' },
    { category: 'non_monetary_relief', text: '已停止相关催收并对催收人员予以处理。' },
  ] as const;
  let next = 0;
  for (const [key, count, productType, product] of [
    ['qiantang', 8, 'cash_loan', '钱塘快贷 App 现金贷'],
    ['qianhai', 7, 'cash_loan', '前海随借'],
    ['yongjiang', 5, 'consumer_installment', '甬江消费分期'],
  ] as const) {
    const lender = institution(key);
    for (let i = 0; i < count; i++, next++) {
      const forwarded = await complaints.forward(lender.caller, {
        residentId: borrowers[next % borrowers.length]!,
        receivedOn: chinaDay(new Date(Date.now() - (i % 4) * 86_400_000)),
        product,
        productType,
        issue: issues[(next * 3) % issues.length]!,
        narrative: '客服热线记录的客户投诉，详见通话录音。',
      });
      // Most are answered; one in four is still open.
      if (i % 4 !== 3) await complaints.answer(lender.caller, forwarded.complaintId, answers[next % answers.length]!);
    }
  }
}
