import { Card, Col, Empty, Row, Statistic, Tag, Typography } from 'antd';
import { AlertOutlined, FundOutlined, PercentageOutlined, TeamOutlined, WalletOutlined, WarningOutlined, ClusterOutlined, FieldTimeOutlined } from '@ant-design/icons';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { beaconRed } from '../../theme.js';
import { formatCount, formatDateTime, formatMoney, formatRate } from '../../components/format.js';
import { useCodeName } from '../../filing/standard.js';
import type { BusinessOverview } from '../../types.js';
import { Chart } from './charts.js';

interface FigureProps {
  testId: string;
  title: string;
  value: ReactNode;
  icon: ReactNode;
  note?: ReactNode;
  /** A risk signal: framed in beacon red, the figure red when it is not zero. */
  risk?: { active: boolean };
}

function Figure({ testId, title, value, icon, note, risk }: FigureProps) {
  const { t } = useTranslation();
  const className = ['fh-card', 'fh-stat', risk ? 'fh-stat-risk' : '', risk?.active ? 'fh-stat-risk-active' : ''].filter(Boolean).join(' ');
  return (
    <Card className={className} data-testid={testId} data-risk={risk ? String(risk.active) : undefined}>
      <Statistic
        title={
          <span className="fh-stat-title">
            {title}
            {risk && <Tag color={risk.active ? 'red' : 'default'} className="fh-risk-tag">{t('dashboard.riskSignal')}</Tag>}
          </span>
        }
        value={value as string | number}
        prefix={icon}
      />
      {note && <div className="fh-stat-note">{note}</div>}
    </Card>
  );
}

/**
 * What the institutions of the jurisdiction filed: loans, their cost, repayment, complaints, and
 * the two risk signals a supervisor acts on first (cost above the cap, multi-lending borrowers).
 */
/** A reporting period as people write it: 2024 年 7 月, or July 2024. */
export function formatPeriod(period: string, language: string): string {
  const [year, month] = period.split('-').map(Number);
  if (!year || !month) return period;
  if (!language.startsWith('en')) return `${year} 年 ${month} 月`;
  return new Date(Date.UTC(year, month - 1, 1)).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export function BusinessSection({ business, title }: { business: BusinessOverview; title?: string }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const codeName = useCodeName();
  const count = (value: number) => formatCount(value, language);
  const money = (fen: number) => formatMoney(fen, language);
  const { loans, repayments, complaints } = business;
  const english = language.startsWith('en');
  // The principal axis in 万元 (zh) or millions of yuan (en), so its labels stay short.
  const principalUnit = english ? 1_000_000 * 100 : 10_000 * 100;
  const categories = [...complaints.byCategory].sort((a, b) => a.count - b.count);

  return (
    <section className="fh-business" data-testid="business">
      <Typography.Title level={5} className="fh-section-title">
        {title ?? t('dashboard.business')}
      </Typography.Title>
      <Typography.Paragraph type="secondary" className="fh-data-as-of" data-testid="data-as-of">
        {business.dataAsOf
          ? t('dashboard.dataAsOf', { period: formatPeriod(business.dataAsOf.period, language), at: formatDateTime(business.dataAsOf.acceptedAt) })
          : t('dashboard.noAcceptedFilings')}
      </Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={12} md={8} xl={6}>
          <Figure testId="stat-loans" title={t('dashboard.loans')} value={count(loans.loans)} icon={<WalletOutlined />} note={t('dashboard.averageLoanNote', { amount: loans.loans > 0 ? money(Math.round(loans.principalFen / loans.loans)) : '—' })} />
        </Col>
        <Col xs={12} md={8} xl={6}>
          <Figure testId="stat-principal" title={t('dashboard.principal')} value={money(loans.principalFen)} icon={<FundOutlined />} note={t('dashboard.disbursedNote', { amount: money(loans.disbursedFen) })} />
        </Col>
        <Col xs={12} md={8} xl={6}>
          <Figure
            testId="stat-average-cost"
            title={t('dashboard.averageCost')}
            value={formatRate(loans.averageAnnualisedCost, language)}
            icon={<PercentageOutlined />}
            note={t('dashboard.averageCostNote')}
          />
        </Col>
        <Col xs={12} md={8} xl={6}>
          <Figure
            testId="stat-above-cap"
            title={t('dashboard.aboveCap', { cap: business.costCap === null ? '—' : formatRate(business.costCap, language, 0) })}
            value={count(loans.aboveCap)}
            icon={<WarningOutlined />}
            risk={{ active: loans.aboveCap > 0 }}
            note={t('dashboard.aboveCapNote', { share: loans.loans > 0 ? formatRate(loans.aboveCap / loans.loans, language, 1) : '—' })}
          />
        </Col>
        <Col xs={12} md={8} xl={6}>
          <Figure
            testId="stat-multi-lending"
            title={t('dashboard.multiLending')}
            value={count(business.multiLendingBorrowers)}
            icon={<ClusterOutlined />}
            risk={{ active: business.multiLendingBorrowers > 0 }}
            note={t('dashboard.multiLendingNote')}
          />
        </Col>
        <Col xs={12} md={8} xl={6}>
          <Figure
            testId="stat-overdue"
            title={t('dashboard.overdueRate')}
            value={formatRate(repayments.overdueRate, language)}
            icon={<FieldTimeOutlined />}
            note={t('dashboard.overdueNote', { overdue: count(repayments.overdue), instalments: count(repayments.instalments) })}
          />
        </Col>
        <Col xs={12} md={8} xl={6}>
          <Figure testId="stat-complaints" title={t('dashboard.complaints')} value={count(complaints.complaints)} icon={<AlertOutlined />} note={t('dashboard.complaintsOpen', { open: count(complaints.open) })} />
        </Col>
        <Col xs={12} md={8} xl={6}>
          <Figure
            testId="stat-late-complaints"
            title={t('complaints.indicator.late')}
            value={count(business.platformComplaints.late)}
            icon={<FieldTimeOutlined />}
            risk={{ active: business.platformComplaints.late > 0 }}
            note={t('complaints.indicator.lateNote', { received: count(business.platformComplaints.received), disputed: count(business.platformComplaints.disputed) })}
          />
        </Col>
        <Col xs={12} md={8} xl={6}>
          <Figure testId="stat-borrowers" title={t('dashboard.borrowers')} value={count(loans.borrowers)} icon={<TeamOutlined />} note={t('dashboard.borrowersHint')} />
        </Col>
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={14}>
          <Card className="fh-card" title={t('dashboard.loansByMonth')}>
            {business.loansByMonth.length === 0 ? (
              <Empty description={t('dashboard.noBusiness')} />
            ) : (
              <Chart
                testId="chart-loans-by-month"
                option={{
                  tooltip: {
                    trigger: 'axis',
                    valueFormatter: undefined,
                    formatter: (items: { seriesIndex: number; axisValue: string; marker: string; seriesName: string; dataIndex: number }[]) => {
                      const month = business.loansByMonth[items[0]?.dataIndex ?? 0];
                      if (!month) return '';
                      return [month.month, `${items[0]?.marker ?? ''}${t('dashboard.loans')}: ${count(month.loans)}`, `${items[1]?.marker ?? ''}${t('dashboard.principal')}: ${money(month.principalFen)}`].join('<br/>');
                    },
                  },
                  legend: { bottom: 0 },
                  grid: { left: 8, right: 8, top: 36, bottom: 40, containLabel: true },
                  xAxis: { type: 'category', data: business.loansByMonth.map((month) => month.month) },
                  yAxis: [
                    // Axis names aligned inwards so that a long one is not cut at the card's edge.
                    { type: 'value', name: t('dashboard.loansAxis'), minInterval: 1, nameTextStyle: { align: 'left' } },
                    { type: 'value', name: t('dashboard.principalAxis'), splitLine: { show: false }, nameTextStyle: { align: 'right' } },
                  ],
                  series: [
                    { name: t('dashboard.loans'), type: 'bar', data: business.loansByMonth.map((month) => month.loans), barMaxWidth: 36, itemStyle: { color: beaconRed } },
                    {
                      name: t('dashboard.principal'),
                      type: 'line',
                      yAxisIndex: 1,
                      symbolSize: 7,
                      data: business.loansByMonth.map((month) => Math.round((month.principalFen / principalUnit) * 100) / 100),
                      itemStyle: { color: '#d48806' },
                    },
                  ],
                }}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card className="fh-card" title={t('dashboard.complaintsByCategory')}>
            {categories.length === 0 ? (
              <Empty description={t('dashboard.noComplaints')} />
            ) : (
              <Chart
                testId="chart-complaints"
                option={{
                  tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
                  grid: { left: 8, right: 32, top: 16, bottom: 8, containLabel: true },
                  xAxis: { type: 'value', minInterval: 1 },
                  yAxis: { type: 'category', data: categories.map((entry) => codeName('complaint_category', entry.category)), axisLabel: { width: english ? 150 : 110, overflow: 'truncate' } },
                  series: [{ name: t('dashboard.complaints'), type: 'bar', data: categories.map((entry) => entry.count), barMaxWidth: 22, label: { show: true, position: 'right' }, itemStyle: { color: '#1d39c4' } }],
                }}
              />
            )}
          </Card>
        </Col>
      </Row>
    </section>
  );
}
