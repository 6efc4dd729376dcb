/**
 * What each capability holds on a person, as the data-rights desk needs it (PIPL Art.45–47):
 * the composition root knows every capability, so the adapters from their services to the
 * privacy capability's `PersonalDataSource` live here.
 */
import type { PersonalDataSource } from '../privacy/data-rights.service.js';
import type { CreditService } from '../credit/credit.service.js';
import type { ScreeningService } from '../screening/screening.service.js';
import type { ComplaintService } from '../complaints/complaint.service.js';
import type { EvidenceService } from '../evidence/evidence.service.js';

const t = (zh: string, en: string) => ({ zh, en });

/** Credit: the person's own report and disputes; an unanswered dispute holds a deletion (Order 631 Art.25). */
export function creditData(credit: CreditService): PersonalDataSource {
  return {
    section: 'credit',
    async exportOf(caller) {
      return { report: await credit.ownReport(caller), disputes: await credit.myDisputes(caller) };
    },
    async holdsOn(caller) {
      return (await credit.myDisputes(caller))
        .filter((dispute) => dispute.status === 'open' || dispute.status === 'escalated')
        .map((dispute) => ({
          code: 'credit_dispute_pending',
          title: t(`对${dispute.institution.nameZh}报送记录的异议尚未处理完毕`, `Your dispute of a record reported by ${dispute.institution.nameEn} is not yet answered`),
          basis: t('《征信业管理条例》第二十五条：异议须核查并书面答复', 'Credit Reporting Industry Regulation Art.25: a dispute is checked and answered in writing'),
          resource: `credit_dispute:${dispute.disputeId}`,
        }));
    },
    retained: [
      {
        category: 'credit_records',
        title: t('金融机构报送的借贷记录及其查询记录', 'The loan records institutions reported, and the log of inquiries into them'),
        basis: t('《征信业管理条例》第十六条、第二十二条：信用记录依法保存（不良信息自不良行为终止之日起保存5年），查询记录须留存', 'Credit Reporting Industry Regulation Art.16 and 22: credit records are kept as the law requires (negative information for 5 years from the end of the bad event), and inquiries are logged'),
      },
    ],
  };
}

/** Payment screening: the person's safe-payment reminders; one awaiting their answer holds a deletion. */
export function screeningData(screening: ScreeningService): PersonalDataSource {
  const allReminders = async (caller: Parameters<PersonalDataSource['exportOf']>[0], status?: 'pending') => {
    const items = [];
    for (let page = 1; ; page += 1) {
      const batch = (await screening.inbox(caller, { status, page, pageSize: 200 })).items;
      items.push(...batch);
      if (batch.length < 200) return items;
    }
  };
  return {
    section: 'paymentReminders',
    exportOf: (caller) => allReminders(caller),
    async holdsOn(caller) {
      return (await allReminders(caller, 'pending')).map((reminder) => ({
        code: 'payment_awaiting_confirmation',
        title: t('有一笔支付正在等待您确认或拒绝', 'A payment is waiting for you to confirm or reject it'),
        basis: t('《个人信息保护法》第十三条第一款第（二）项：为履行您作为一方当事人的支付合同所必需', 'PIPL Art.13(1)(2): needed to perform the payment contract you are a party to'),
        resource: `reminder:${reminder.reminderId}`,
      }));
    },
    retained: [
      {
        category: 'payment_screening_decisions',
        title: t('支付机构对您的支付所作的风险筛查决定', 'The risk-screening decisions payment institutions made on your payments'),
        basis: t('《个人信息保护法》第十三条第一款第（三）项，《非银行支付机构监督管理条例》第二十一条：支付机构识别、核实用户并监测交易的法定义务', 'PIPL Art.13(1)(3) and Non-bank Payment Institutions Regulation Art.21: the payment institution’s legal duty to identify and verify users and monitor payments'),
      },
    ],
  };
}

/** Complaints: the person's complaints with their history; one not yet closed (or in mediation) holds a deletion. */
export function complaintData(complaints: ComplaintService): PersonalDataSource {
  return {
    section: 'complaints',
    exportOf: (_caller, pseudonym) => complaints.exportOf(pseudonym),
    async holdsOn(_caller, pseudonym) {
      return (await complaints.openCasesOf(pseudonym)).map((open) => ({
        code: 'complaint_open',
        title: t('您有一件投诉尚未办结（含调解中的投诉）', 'A complaint of yours is not yet closed (or is in mediation)'),
        basis: t('原中国银保监会令2020年第3号：投诉处理须使用投诉人的信息直至作出处理决定；《个人信息保护法》第五十条', 'CBIRC Order 2020 No.3: handling a complaint needs the complainant’s data until it is decided; PIPL Art.50'),
        resource: `complaint:${open.complaintId}`,
      }));
    },
    retained: [
      {
        category: 'closed_complaints',
        title: t('已办结投诉的处理记录（不含您的身份信息）', 'The handling record of closed complaints (without your identity)'),
        basis: t('原中国银保监会令2020年第3号：投诉处理情况须记录并接受监督检查', 'CBIRC Order 2020 No.3: complaint handling is recorded and open to supervisory inspection'),
      },
    ],
  };
}

/** The evidence vault: the person's items; a deletion erases their content and keeps only hash and receipt. */
export function evidenceData(evidence: EvidenceService): PersonalDataSource {
  return {
    section: 'evidence',
    exportOf: (_caller, pseudonym) => evidence.exportOf(pseudonym),
    async erase(db, caller, pseudonym) {
      const { erased, removeFiles } = await evidence.eraseOf(db, caller.actor, pseudonym);
      return { counts: { evidenceItems: erased }, afterCommit: removeFiles };
    },
    erases: [t('证据保管库中您上传的文件（仅保留其哈希值与回执，以便已发出的回执仍可验证）', 'The files you put in the evidence vault (only their hash and receipt stay, so receipts already handed out still verify)')],
  };
}
