import { Alert, Button, Card, Col, Descriptions, Empty, Flex, List, Row, Statistic, Table, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { EyeInvisibleOutlined, EyeOutlined, WarningOutlined } from '@ant-design/icons';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatYuan } from '../components/format.js';
import { useZhEn } from '../filing/standard.js';
import { DisputeStatusTag, TradelineStatusTag } from './tags.js';
import type { CreditReport, Tradeline } from './types.js';

/** The colour of a month of the payment history: green on time, yellow to dark red the longer late. */
const codeColours: Record<string, string> = {
  N: '#52c41a',
  '1': '#fadb14',
  '2': '#fa8c16',
  '3': '#f5222d',
  '4': '#cf1322',
  '5': '#a8071a',
  '6': '#820014',
  '7': '#5c0011',
  W: '#391085',
  '*': '#d9d9d9',
  '/': '#f5f5f5',
};

/** The 24 months of a loan account as a row of small coloured cells, each with its month and meaning. */
export function PaymentGrid({ grid }: { grid: Tradeline['grid'] }) {
  const { t } = useTranslation();
  return (
    <div className="fh-credit-grid" data-testid="payment-grid">
      {grid.map((cell) => (
        <Tooltip key={cell.month} title={`${cell.month}: ${t(`credit.code.${cell.code}`, { defaultValue: cell.code })}`}>
          <span className="fh-credit-cell" data-code={cell.code} data-month={cell.month} style={{ background: codeColours[cell.code] ?? '#d9d9d9' }} aria-label={`${cell.month}: ${t(`credit.code.${cell.code}`, { defaultValue: cell.code })}`} />
        </Tooltip>
      ))}
    </div>
  );
}

/** What the colours of the payment history mean, in words. */
export function GridLegend() {
  const { t } = useTranslation();
  const items: [string, string][] = [
    ['N', t('credit.legend.N')],
    ['3', t('credit.legend.late')],
    ['W', t('credit.legend.W')],
    ['*', t('credit.legend.*')],
    ['/', t('credit.legend./')],
  ];
  return (
    <Flex wrap gap={12} className="fh-credit-legend" data-testid="grid-legend">
      {items.map(([code, label]) => (
        <span key={code} className="fh-credit-legend-item">
          {code === '3' ? (
            <>
              {['1', '2', '3', '5', '7'].map((c) => (
                <span key={c} className="fh-credit-cell fh-credit-cell-small" style={{ background: codeColours[c] }} />
              ))}
            </>
          ) : (
            <span className="fh-credit-cell fh-credit-cell-small" style={{ background: codeColours[code] }} />
          )}
          <Typography.Text type="secondary">{label}</Typography.Text>
        </span>
      ))}
    </Flex>
  );
}

/** One loan account: lender, terms, standing, payment history, negative record and disputes. */
export function TradelineCard({ line, action }: { line: Tradeline; action?: ReactNode }) {
  const { t } = useTranslation();
  const text = useZhEn();
  const name = (ref: Tradeline['institution']) => text({ zh: ref.nameZh, en: ref.nameEn });
  const openDisputes = line.disputes.filter((d) => d.status === 'open' || d.status === 'escalated');
  return (
    <Card
      className="fh-card fh-tradeline"
      data-testid="tradeline-card"
      data-loan-id={line.loanId}
      data-institution-id={line.institution.institutionId}
      data-disputed={openDisputes.length > 0 ? 'true' : 'false'}
      title={
        <Flex gap={8} wrap align="center">
          <span className="fh-tradeline-lender">{name(line.institution)}</span>
          <TradelineStatusTag status={line.status} />
          {openDisputes.length > 0 && (
            <span className="fh-dispute-mark" data-testid="dispute-mark">
              <WarningOutlined /> {t('credit.report.disputeMark')}
            </span>
          )}
        </Flex>
      }
      extra={action}
    >
      <Descriptions column={{ xs: 1, sm: 2 }} size="small" className="fh-tradeline-facts">
        <Descriptions.Item label={t('credit.report.loanId')}>
          <span className="fh-mono">{line.loanId}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('credit.report.productType')}>{line.productType ? text(line.productType) : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('credit.report.purpose')}>{text(line.purpose)}</Descriptions.Item>
        <Descriptions.Item label={t('credit.report.openedOn')}>{line.openedOn}</Descriptions.Item>
        <Descriptions.Item label={t('credit.report.principal')}>
          {formatYuan(line.principalFen)} · {t('credit.report.installments', { count: line.installments })}
        </Descriptions.Item>
        <Descriptions.Item label={t('credit.report.balance')}>
          <span data-testid="tradeline-balance">{formatYuan(line.balanceFen)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('credit.report.worst')}>
          <Typography.Text type={line.worstDaysPastDue > 0 ? 'danger' : undefined} data-testid="tradeline-worst">
            {line.worstDaysPastDue > 0 ? t('credit.report.worstDays', { days: line.worstDaysPastDue }) : t('credit.report.neverLate')}
            {line.daysPastDue > 0 && ` · ${t('credit.report.pastDueNow', { days: line.daysPastDue })}`}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
      <Typography.Text type="secondary" className="fh-credit-grid-title">
        {t('credit.report.grid')}
      </Typography.Text>
      <PaymentGrid grid={line.grid} />
      <Flex justify="space-between" className="fh-credit-grid-ends">
        <Typography.Text type="secondary">{line.grid[0]?.month}</Typography.Text>
        <Typography.Text type="secondary">{line.grid.at(-1)?.month}</Typography.Text>
      </Flex>
      {line.negative && (
        <Alert
          type="error"
          showIcon
          className="fh-tradeline-negative"
          data-testid="negative-record"
          title={t('credit.report.negative', { from: line.negative.from })}
          description={line.negative.endedOn && line.negative.shownUntil ? t('credit.report.negativeEnded', { ended: line.negative.endedOn, until: line.negative.shownUntil }) : t('credit.report.negativeOngoing')}
        />
      )}
      {line.disputes.map((dispute) => (
        <Alert
          key={dispute.disputeId}
          type={dispute.status === 'open' || dispute.status === 'escalated' ? 'warning' : 'info'}
          showIcon
          className="fh-tradeline-dispute"
          data-testid="tradeline-dispute"
          data-dispute-status={dispute.status}
          title={
            <Flex gap={8} wrap align="center">
              <span>{t('credit.report.disputeFiled', { filed: formatDateTime(dispute.filedAt, false), due: dispute.dueOn })}</span>
              <DisputeStatusTag status={dispute.status} />
            </Flex>
          }
          description={dispute.statement ? t('credit.report.disputeAnswered', { statement: dispute.statement }) : undefined}
        />
      ))}
    </Card>
  );
}

/**
 * A consolidated credit report: identity, totals, one card per loan account, inquiries, notices of
 * negative information and the note on free reports. `tradelineAction` adds a button to each card
 * (the person's own dispute button); `revealable` offers the full identity number (own report only).
 */
export function CreditReportView({ report, tradelineAction }: { report: CreditReport; tradelineAction?: (line: Tradeline) => ReactNode }) {
  const { t } = useTranslation();
  const text = useZhEn();
  const [revealed, setRevealed] = useState(false);
  const full = report.subject.residentId;
  const inquiryColumns: TableColumnsType<CreditReport['inquiries'][number]> = [
    { title: t('credit.report.inquiryAt'), dataIndex: 'at', render: (at: string) => formatDateTime(at), width: 170 },
    { title: t('credit.report.inquiryBy'), dataIndex: 'by', render: (by: CreditReport['inquiries'][number]['by']) => text(by) },
    { title: t('credit.report.inquiryPurpose'), dataIndex: 'purpose', render: (purpose: CreditReport['inquiries'][number]['purpose']) => text(purpose) },
  ];
  return (
    <div className="fh-credit-report" data-testid="credit-report">
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} lg={8}>
          <Card className="fh-card" title={t('credit.report.identity')} style={{ height: '100%' }}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('credit.report.residentId')}>
                <Flex gap={8} wrap align="center">
                  <span className="fh-mono" data-testid="report-resident-id">
                    {revealed && full ? full : report.subject.residentIdMasked}
                  </span>
                  {full && (
                    <Button size="small" type="link" icon={revealed ? <EyeInvisibleOutlined /> : <EyeOutlined />} onClick={() => setRevealed((v) => !v)} data-action="reveal">
                      {revealed ? t('credit.report.hide') : t('credit.report.reveal')}
                    </Button>
                  )}
                </Flex>
              </Descriptions.Item>
              <Descriptions.Item label={t('credit.report.reportDate')}>{report.reportDate}</Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={16}>
          <Card className="fh-card" title={t('credit.report.totals')} data-testid="credit-totals">
            <Row gutter={[16, 16]}>
              <Col xs={12} md={8}>
                <Statistic title={t('credit.report.outstanding')} value={formatYuan(report.totals.outstandingFen)} />
              </Col>
              <Col xs={12} md={4}>
                <Statistic title={t('credit.report.lenders')} value={report.totals.lenders} />
              </Col>
              <Col xs={12} md={4}>
                <Statistic title={t('credit.report.openTradelines')} value={report.totals.openTradelines} />
              </Col>
              <Col xs={12} md={4}>
                <Statistic title={t('credit.report.newLoans30')} value={report.totals.newLoans30Days} />
              </Col>
              <Col xs={12} md={4}>
                <Statistic title={t('credit.report.newLoans90')} value={report.totals.newLoans90Days} />
              </Col>
            </Row>
          </Card>
        </Col>
      </Row>

      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t('credit.report.tradelines')}
        </Typography.Title>
        <GridLegend />
      </Flex>
      {report.tradelines.length === 0 ? (
        <Card className="fh-card" style={{ marginBottom: 16 }}>
          <Empty description={t('credit.report.noTradelines')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
        </Card>
      ) : (
        <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
          {report.tradelines.map((line) => (
            <Col xs={24} xl={12} key={`${line.institution.institutionId}/${line.loanId}`}>
              <TradelineCard line={line} action={tradelineAction?.(line)} />
            </Col>
          ))}
        </Row>
      )}

      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card className="fh-card" title={t('credit.report.inquiries')} data-testid="credit-inquiries">
            <Table
              size="small"
              rowKey={(row) => `${row.at}/${row.by.zh}`}
              columns={inquiryColumns}
              dataSource={report.inquiries}
              pagination={report.inquiries.length > 10 ? { pageSize: 10, size: 'small' } : false}
              scroll={{ x: 'max-content' }}
              locale={{ emptyText: <Empty description={t('credit.report.noInquiries')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
            />
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card className="fh-card" title={t('credit.report.notices')} data-testid="credit-notices">
            <Typography.Paragraph type="secondary">{t('credit.report.noticesIntro')}</Typography.Paragraph>
            <List
              size="small"
              dataSource={report.notices}
              locale={{ emptyText: <Empty description={t('credit.report.noNotices')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
              renderItem={(notice) => (
                <List.Item key={notice.noticeId}>
                  <List.Item.Meta title={t('credit.report.noticeText', { institution: text(notice.institution), loan: notice.loanId, from: notice.negativeFrom })} description={formatDateTime(notice.createdAt)} />
                </List.Item>
              )}
            />
          </Card>
        </Col>
      </Row>
      <Alert type="info" showIcon style={{ marginTop: 16 }} title={t('credit.report.freeReports')} data-testid="free-reports" />
    </div>
  );
}
