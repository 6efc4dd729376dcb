import { Alert, Card, Col, Descriptions, Flex, Grid, Input, Row, Skeleton, Space, Statistic, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api.js';
import { ErrorState } from '../components/ErrorState.js';
import { formatRate, formatYuan } from '../components/format.js';
import { useRemote } from '../components/useRemote.js';
import { useCodeName } from '../filing/standard.js';
import type { LoanCostReply } from '../types.js';

type Payment = LoanCostReply['payments'][number];
type Threshold = LoanCostReply['thresholds'][number];

/**
 * The true cost of one loan of an institution: the loan number is typed in (and kept in the
 * address, so that a link opens the same loan), and the reply shows the compound and simple
 * figures side by side, which one each threshold uses, and the cash flows they come from.
 */
export function LoanCostView({ institutionId }: { institutionId: string }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const codeName = useCodeName();
  const screens = Grid.useBreakpoint();
  const [params, setParams] = useSearchParams();
  const loanId = params.get('loanId') ?? '';
  const reply = useRemote(
    () => (loanId ? api.get<LoanCostReply>(`/v1/loans/${encodeURIComponent(loanId)}/cost`, { institutionId }) : Promise.resolve(undefined)),
    `${institutionId}/${loanId}`,
  );

  const look = (value: string) => {
    const next = new URLSearchParams(params);
    if (value.trim()) next.set('loanId', value.trim());
    else next.delete('loanId');
    setParams(next);
  };

  const paymentColumns: TableColumnsType<Payment> = [
    { title: t('loanCost.dueOn'), dataIndex: 'dueOn', key: 'dueOn' },
    { title: t('loanCost.principal'), dataIndex: 'principalFen', key: 'principal', align: 'right', render: (fen: number) => formatYuan(fen) },
    { title: t('loanCost.interest'), dataIndex: 'interestFen', key: 'interest', align: 'right', render: (fen: number) => formatYuan(fen) },
    { title: t('loanCost.fees'), dataIndex: 'feeFen', key: 'fees', align: 'right', render: (fen: number) => formatYuan(fen) },
    { title: t('loanCost.total'), dataIndex: 'totalFen', key: 'total', align: 'right', render: (fen: number) => <strong>{formatYuan(fen)}</strong> },
  ];

  const data = reply.data;
  const term = data
    ? data.periodDays !== null
      ? t('loanCost.termDays', { count: data.instalments, days: data.periodDays })
      : t('loanCost.termMonths', { count: data.instalments, months: data.periodMonths ?? 0 })
    : '';

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Input.Search
        key={loanId}
        defaultValue={loanId}
        placeholder={t('loanCost.loanIdPlaceholder')}
        enterButton={t('loanCost.look')}
        maxLength={64}
        allowClear
        onSearch={look}
        style={{ maxWidth: 480 }}
        data-testid="loan-cost-search"
      />
      {!loanId && <Typography.Text type="secondary">{t('loanCost.hint')}</Typography.Text>}
      {reply.error instanceof ApiError && reply.error.status === 404 ? (
        <Alert type="warning" showIcon title={t('loanCost.notFound', { loanId })} data-testid="loan-cost-not-found" />
      ) : (
        reply.error !== undefined && <ErrorState error={reply.error} onRetry={reply.reload} />
      )}
      {loanId && reply.loading && !data && <Skeleton active paragraph={{ rows: 6 }} />}
      {data && (
        <>
          <Card
            title={t('loanCost.title', { loanId: data.loanId })}
            extra={<Tag color={data.source === 'filed_instalments' ? 'blue' : 'default'}>{t(`loanCost.source.${data.source}`)}</Tag>}
          >
            {data.cost ? (
              <Row gutter={[24, 16]}>
                <Col xs={24} md={12}>
                  <Statistic title={t('loanCost.compound')} value={formatRate(data.cost.compoundAnnualRate, language)} data-testid="loan-cost-compound" />
                  <Typography.Text type="secondary">
                    {/* The cap in force for the institution's jurisdiction, from the rulebook, never a constant here. */}
                    {t('loanCost.compoundNote', { cap: formatRate(data.thresholds.find((threshold) => threshold.id === 'cash_loan_cost_cap')?.limit ?? null, language, 0) })}
                  </Typography.Text>
                </Col>
                <Col xs={24} md={12}>
                  <Statistic title={t('loanCost.simple')} value={formatRate(data.cost.simpleAnnualRate, language)} data-testid="loan-cost-simple" />
                  <Typography.Text type="secondary">
                    {data.cost.basis === 'days'
                      ? t('loanCost.simpleNoteDays', { rate: formatRate(data.cost.periodRate, language, 4), days: data.cost.periodDays ?? 1, periods: Number(data.cost.periodsPerYear.toFixed(2)) })
                      : t('loanCost.simpleNoteMonths', { rate: formatRate(data.cost.periodRate, language, 4), months: data.cost.periodMonths ?? 1, periods: Number(data.cost.periodsPerYear.toFixed(2)) })}
                  </Typography.Text>
                </Col>
              </Row>
            ) : (
              <Alert type="warning" showIcon title={t('loanCost.noRate')} />
            )}
            <Descriptions size="small" layout={screens.sm ? 'horizontal' : 'vertical'} column={{ xs: 1, sm: 2, lg: 3 }} style={{ marginTop: 24 }}>
              <Descriptions.Item label={t('loanCost.principal')}>{formatYuan(data.principalFen)}</Descriptions.Item>
              <Descriptions.Item label={t('loanCost.disbursed')}>{formatYuan(data.disbursedFen)}</Descriptions.Item>
              <Descriptions.Item label={t('loanCost.disbursedOn')}>{data.disbursedOn}</Descriptions.Item>
              <Descriptions.Item label={t('loanCost.totalRepaid')}>{formatYuan(data.totalRepaidFen)}</Descriptions.Item>
              <Descriptions.Item label={t('loanCost.costYuan')}>{formatYuan(data.costFen)}</Descriptions.Item>
              <Descriptions.Item label={t('loanCost.contractRate')}>{formatRate(data.nominalAnnualRate, language)}</Descriptions.Item>
              <Descriptions.Item label={t('loanCost.method')}>{codeName('repayment_method', data.repaymentMethod)}</Descriptions.Item>
              <Descriptions.Item label={t('loanCost.term')}>{term}</Descriptions.Item>
              <Descriptions.Item label={t('loanCost.filed')}>{t('loanCost.filedOf', { filed: data.instalmentsFiled, total: data.instalments })}</Descriptions.Item>
            </Descriptions>
          </Card>
          <Card title={t('loanCost.thresholds')}>
            <Space orientation="vertical" size={16} style={{ width: '100%' }}>
              {data.thresholds.map((threshold) => (
                <ThresholdLine key={threshold.id} threshold={threshold} />
              ))}
            </Space>
          </Card>
          <Card title={t('loanCost.payments')}>
            <Table rowKey={(row) => `${row.dueOn}-${row.totalFen}`} columns={paymentColumns} dataSource={data.payments} pagination={data.payments.length > 24 ? { pageSize: 24 } : false} size="small" scroll={{ x: 'max-content' }} />
          </Card>
        </>
      )}
    </Space>
  );
}

/** One limit: the figure it is compared with, this loan's value of that figure, the result, and its legal basis. */
function ThresholdLine({ threshold }: { threshold: Threshold }) {
  const { t, i18n } = useTranslation();
  const language = i18n.language;
  const english = language.startsWith('en');
  return (
    <div data-testid={`threshold-${threshold.id}`}>
      <Flex wrap gap={8} align="center">
        {threshold.above === null ? <Tag>—</Tag> : threshold.above ? <Tag color="red">{t('loanCost.above')}</Tag> : <Tag color="green">{t('loanCost.within')}</Tag>}
        <Typography.Text strong>{t('loanCost.limitLine', { limit: formatRate(threshold.limit, language, 0), figure: t(`loanCost.figure.${threshold.figure}`) })}</Typography.Text>
        <Typography.Text>{t('loanCost.thisLoan', { rate: formatRate(threshold.rate, language) })}</Typography.Text>
        {!threshold.verified && <Tag color="gold">{t('loanCost.unverified')}</Tag>}
      </Flex>
      <Typography.Paragraph type="secondary" style={{ margin: '4px 0 0' }}>
        {english ? threshold.basisEn : threshold.basisZh}
      </Typography.Paragraph>
    </div>
  );
}
