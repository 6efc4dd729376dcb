import { Button, Card, DatePicker, Empty, Flex, Grid, Input, List, Select, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { formatDateTime } from '../../components/format.js';
import { useRemote } from '../../components/useRemote.js';
import { useUrlFilters } from '../../components/useUrlFilters.js';
import { useZhEn } from '../../filing/standard.js';
import { DecisionDrawer } from '../../screening/DecisionDrawer.js';
import { formatAmount } from '../../screening/money.js';
import { DecisionStatusTag, DecisionTag } from '../../screening/tags.js';
import type { DecisionView } from '../../screening/types.js';
import type { Page } from '../../types.js';

const PAGE_SIZE = 20;
const DECISIONS = ['allow', 'confirm', 'review', 'block'] as const;
const STATUSES = ['decided', 'awaiting_consumer', 'confirmed', 'rejected', 'expired'] as const;

/** The institution's screening log: every payment it sent, the decision, why, and where it stands; filters in the address. */
export function ScreeningPage() {
  const { t } = useTranslation();
  const text = useZhEn();
  const url = useUrlFilters();
  const [open, setOpen] = useState<DecisionView>();
  const screens = Grid.useBreakpoint();
  const finalTag = (row: DecisionView) => (
    <span data-final={row.finalDecision ?? 'pending'}>{row.finalDecision ? <DecisionTag decision={row.finalDecision} /> : <Tag style={{ marginInlineEnd: 0 }}>{t('screening.log.pendingFinal')}</Tag>}</span>
  );
  const reasonTitles = (row: DecisionView) =>
    row.reasons.length === 0 ? (
      <Typography.Text type="secondary">{t('screening.log.noReasons')}</Typography.Text>
    ) : (
      <Flex vertical gap={2}>
        {row.reasons.map((reason) => (
          <span key={reason.ruleId}>{text(reason.title)}</span>
        ))}
      </Flex>
    );
  const query = { decision: url.get('decision'), status: url.get('status'), from: url.get('from'), to: url.get('to'), paymentId: url.get('paymentId'), page: url.page, pageSize: PAGE_SIZE };
  const list = useRemote(() => api.get<Page<DecisionView>>('/v1/institution/screening/decisions', query), JSON.stringify(query));
  const pagination = { current: url.page, pageSize: PAGE_SIZE, total: list.data?.total ?? 0, showSizeChanger: false, onChange: url.setPage, showTotal: (total: number) => t('screening.log.total', { total }) };
  const from = url.get('from');
  const to = url.get('to');

  const columns: TableColumnsType<DecisionView> = [
    { title: t('screening.log.decidedAt'), dataIndex: 'decidedAt', width: 140, render: (value: string) => formatDateTime(value) },
    { title: t('screening.log.paymentId'), dataIndex: 'paymentId', render: (value: string) => <span className="fh-mono">{value}</span> },
    { title: t('screening.log.amount'), key: 'amount', align: 'right', render: (_, row) => <span className="fh-mono">{formatAmount(row.currency, row.amountMinor, row.minorUnits)}</span> },
    { title: t('screening.log.score'), dataIndex: 'score', align: 'right', width: 90 },
    { title: t('screening.log.decision'), key: 'decision', render: (_, row) => <DecisionTag decision={row.decision} /> },
    {
      title: t('screening.log.reasons'),
      key: 'reasons',
      width: 260,
      render: (_, row) => reasonTitles(row),
    },
    { title: t('screening.log.status'), key: 'status', render: (_, row) => <DecisionStatusTag status={row.status} /> },
    {
      title: t('screening.log.finalDecision'),
      key: 'final',
      render: (_, row) => finalTag(row),
    },
    {
      title: '',
      key: 'open',
      fixed: 'right',
      render: (_, row) => (
        <Button type="link" size="small" onClick={() => setOpen(row)} data-action="details">
          {t('screening.log.details')}
        </Button>
      ),
    },
  ];

  return (
    <>
      <PageTitle title={t('menu.screeningLog')} subtitle={t('screening.log.subtitle')} />
      <Card className="fh-card">
        <Flex wrap gap={8} className="fh-filters" style={{ marginBottom: 16 }}>
          <Select
            allowClear
            style={{ minWidth: 150 }}
            placeholder={t('screening.log.allDecisions')}
            value={url.get('decision')}
            onChange={(value?: string) => url.set('decision', value)}
            options={DECISIONS.map((value) => ({ value, label: t(`screening.decision.${value}`) }))}
            data-testid="filter-decision"
          />
          <Select
            allowClear
            style={{ minWidth: 170 }}
            placeholder={t('screening.log.allStatuses')}
            value={url.get('status')}
            onChange={(value?: string) => url.set('status', value)}
            options={STATUSES.map((value) => ({ value, label: t(`screening.status.${value}`) }))}
            data-testid="filter-status"
          />
          <DatePicker.RangePicker
            allowEmpty={[true, true]}
            placeholder={[t('screening.log.dateStart'), t('screening.log.dateEnd')]}
            value={[from ? dayjs(from) : null, to ? dayjs(to) : null]}
            onChange={(range) => url.setAll({ from: range?.[0]?.format('YYYY-MM-DD'), to: range?.[1]?.format('YYYY-MM-DD') })}
            style={{ maxWidth: '100%' }}
          />
          <Input.Search allowClear key={url.get('paymentId') ?? ''} defaultValue={url.get('paymentId')} placeholder={t('screening.log.searchPayment')} onSearch={(value) => url.set('paymentId', value.trim() || undefined)} style={{ width: 240, maxWidth: '100%' }} data-testid="filter-payment" />
        </Flex>
        {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
        {screens.md === false ? (
          <List<DecisionView>
            data-testid="decisions-table"
            loading={list.loading}
            dataSource={list.data?.items ?? []}
            pagination={pagination}
            locale={{ emptyText: <Empty description={t('screening.log.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
            renderItem={(row) => (
              <List.Item key={row.decisionId} data-decision-id={row.decisionId} onClick={() => setOpen(row)} style={{ cursor: 'pointer', display: 'block' }}>
                <Flex justify="space-between" gap={8}>
                  <span className="fh-mono">{row.paymentId}</span>
                  <strong className="fh-mono">{formatAmount(row.currency, row.amountMinor, row.minorUnits)}</strong>
                </Flex>
                <Flex wrap gap={6} align="center" style={{ margin: '6px 0' }}>
                  <DecisionTag decision={row.decision} />
                  <DecisionStatusTag status={row.status} />
                  <span>→</span>
                  {finalTag(row)}
                  <Typography.Text type="secondary">
                    {t('screening.log.score')} {row.score}
                  </Typography.Text>
                </Flex>
                {reasonTitles(row)}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {formatDateTime(row.decidedAt)}
                </Typography.Text>
              </List.Item>
            )}
          />
        ) : (
          <Table<DecisionView>
            rowKey="decisionId"
            data-testid="decisions-table"
            loading={list.loading}
            columns={columns}
            dataSource={list.data?.items ?? []}
            scroll={{ x: 1120 }}
            size="middle"
            onRow={(row) => ({ onClick: () => setOpen(row), style: { cursor: 'pointer' }, 'data-decision-id': row.decisionId }) as React.HTMLAttributes<HTMLElement>}
            locale={{ emptyText: <Empty description={t('screening.log.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
            pagination={pagination}
          />
        )}
      </Card>
      <DecisionDrawer decision={open} onClose={() => setOpen(undefined)} />
    </>
  );
}
