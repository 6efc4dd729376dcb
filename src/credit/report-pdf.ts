/**
 * The consolidated credit report as a PDF, rendered on the server without a browser: pdfkit lays
 * it out and embeds the glyphs it uses of Noto Sans SC (from the @expo-google-fonts package, the
 * whole font as TTF), so Chinese renders the same on every reader.
 */
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import type { CreditReport } from './credit.service.js';

const require = createRequire(import.meta.url);
/** The font file; resolved once, so a missing package fails at the first report rather than at start. */
let fontPath: string | undefined;
function font(): string {
  fontPath ??= require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf');
  return fontPath;
}

type Language = 'zh' | 'en';

const STATUS: Record<string, Record<Language, string>> = {
  current: { zh: '正常', en: 'Current' },
  overdue: { zh: '逾期', en: 'Overdue' },
  closed: { zh: '已结清', en: 'Closed' },
  written_off: { zh: '已核销', en: 'Written off' },
};

const DISPUTE: Record<string, Record<Language, string>> = {
  open: { zh: '异议处理中', en: 'Dispute open' },
  escalated: { zh: '异议已逾期，已转监管部门', en: 'Dispute overdue, passed to the supervisor' },
  corrected: { zh: '异议成立，已更正', en: 'Dispute upheld, corrected' },
  kept: { zh: '机构核实后维持', en: 'Kept by the lender after checking' },
};

const T = {
  title: { zh: '个人信用报告', en: 'Personal credit report' },
  reportDate: { zh: '报告日期', en: 'Report date' },
  identity: { zh: '身份证号码', en: 'Identity card number' },
  summary: { zh: '概要', en: 'Summary' },
  outstanding: { zh: '未结清贷款余额', en: 'Outstanding debt' },
  lenders: { zh: '在贷机构数', en: 'Lenders with open loans' },
  open: { zh: '未结清账户数', en: 'Open accounts' },
  new30: { zh: '近 30 天新增贷款', en: 'New loans in 30 days' },
  new90: { zh: '近 90 天新增贷款', en: 'New loans in 90 days' },
  tradelines: { zh: '信贷账户', en: 'Credit accounts' },
  opened: { zh: '开立', en: 'Opened' },
  principal: { zh: '本金', en: 'Principal' },
  balance: { zh: '余额', en: 'Balance' },
  status: { zh: '状态', en: 'Status' },
  worst: { zh: '最长逾期天数', en: 'Longest days past due' },
  grid: { zh: '近 24 个月还款记录', en: 'Last 24 months' },
  legend: { zh: 'N 按时 · 1–7 逾期（每 30 天一级）· W 核销 · * 无报送 · / 未开立', en: 'N on time · 1–7 days past due in 30-day steps · W written off · * nothing filed · / not yet opened' },
  negative: { zh: '不良记录', en: 'Negative record' },
  shownUntil: { zh: '展示至', en: 'shown until' },
  ongoing: { zh: '尚未结束', en: 'still going on' },
  inquiries: { zh: '查询记录（近两年）', en: 'Inquiries (last two years)' },
  none: { zh: '无', en: 'None' },
  notes: { zh: '说明', en: 'Notes' },
} as const;

function money(fen: number, language: Language): string {
  const yuan = (fen / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return language === 'zh' ? `${yuan} 元` : `CNY ${yuan}`;
}

/**
 * Render a report in one language as PDF bytes. `compress: false` leaves the content streams
 * readable (for tests).
 */
export function renderReportPdf(report: CreditReport, language: Language, options: { compress?: boolean } = {}): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 48, compress: options.compress ?? true, info: { Title: T.title[language], Producer: 'Fenghuo' } });
  doc.registerFont('body', font());
  doc.font('body');
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const heading = (text: string) => doc.moveDown(0.8).fontSize(13).fillColor('#8b1a1a').text(text).moveDown(0.3).fontSize(10).fillColor('#222');
  const line = (label: string, value: string) => doc.fontSize(10).fillColor('#555').text(`${label}：`, { continued: true }).fillColor('#111').text(value);

  doc.fontSize(20).fillColor('#8b1a1a').text(T.title[language], { align: 'center' });
  doc.moveDown(0.5).fontSize(10).fillColor('#333');
  line(T.reportDate[language], report.reportDate);
  line(T.identity[language], report.subject.residentId ?? report.subject.residentIdMasked);

  heading(T.summary[language]);
  line(T.outstanding[language], money(report.totals.outstandingFen, language));
  line(T.lenders[language], String(report.totals.lenders));
  line(T.open[language], String(report.totals.openTradelines));
  line(T.new30[language], String(report.totals.newLoans30Days));
  line(T.new90[language], String(report.totals.newLoans90Days));

  heading(T.tradelines[language]);
  if (report.tradelines.length === 0) doc.text(T.none[language]);
  for (const t of report.tradelines) {
    doc.moveDown(0.4).fontSize(11).fillColor('#111').text(`${language === 'zh' ? t.institution.nameZh : t.institution.nameEn} · ${t.purpose[language]}${t.productType ? ` · ${t.productType[language]}` : ''}`);
    doc.fontSize(9.5).fillColor('#333').text(
      [`${T.opened[language]} ${t.openedOn}`, `${T.principal[language]} ${money(t.principalFen, language)}`, `${T.balance[language]} ${money(t.balanceFen, language)}`, `${T.status[language]} ${STATUS[t.status]?.[language] ?? t.status}`, `${T.worst[language]} ${t.worstDaysPastDue}`].join('   '),
    );
    const first = t.grid[0]?.month ?? '';
    const last = t.grid.at(-1)?.month ?? '';
    doc.text(`${T.grid[language]}（${first} – ${last}）：${t.grid.map((g) => g.code).join(' ')}`);
    if (t.negative) doc.fillColor('#a61b1b').text(`${T.negative[language]}：${t.negative.from} – ${t.negative.endedOn ?? T.ongoing[language]}${t.negative.shownUntil ? `，${T.shownUntil[language]} ${t.negative.shownUntil}` : ''}`).fillColor('#333');
    for (const d of t.disputes) doc.fillColor('#b36b00').text(`${DISPUTE[d.status]?.[language] ?? d.status}（${d.filedAt.slice(0, 10)}）${d.statement ? `：${d.statement}` : ''}`).fillColor('#333');
  }
  doc.moveDown(0.3).fontSize(8.5).fillColor('#666').text(T.legend[language]);

  heading(T.inquiries[language]);
  if (report.inquiries.length === 0) doc.text(T.none[language]);
  for (const q of report.inquiries) doc.fontSize(9.5).text(`${q.at.slice(0, 10)}  ${q.by[language]}  ${q.purpose[language]}`);

  heading(T.notes[language]);
  doc
    .fontSize(8.5)
    .fillColor('#555')
    .text(
      language === 'zh'
        ? `不良信息自不良行为或事件终止之日起保存 5 年，期满删除（《征信业管理条例》第十六条）。信息提供者报送不良信息前应告知本人（第十五条）。每年可两次免费获取本人信用报告（第十七条）；本平台可随时免费查询。对信息有异议的，可在平台提出，机构应在 20 日内核查答复（第二十五条）。`
        : 'Negative information is kept for five years from the day the bad event ended, then deleted (Credit Reporting Industry Regulation Art.16). A lender tells the person before reporting it (Art.15). Two free reports a year are guaranteed (Art.17); this portal is free at any time. An objection can be filed here and must be checked and answered within 20 days (Art.25).',
    );
  doc.end();
  return done;
}
