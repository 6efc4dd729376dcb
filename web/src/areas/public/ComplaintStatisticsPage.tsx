import { Alert, Card, Empty, Flex, Grid, List, Segmented, Select, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { PublicPage } from '../../components/AppLayout.js';
import { formatCount, useLocalName } from '../../components/format.js';
import { useRemote } from '../../components/useRemote.js';
import { chinaToday } from '../../credit/types.js';
import { Chart } from '../supervisor/charts.js';
import type { Statistics, StatisticsRow } from '../../../../src/complaints/complaint.service.js';

type Dimension = Statistics['by'];

/** The current quarter and the seven before it, newest first. */
function recentQuarters(): string[] {
  const today = chinaToday();
  let year = Number(today.slice(0, 4));
  let quarter = Math.floor((Number(today.slice(5, 7)) - 1) / 3) + 1;
  const out: string[] = [];
  for (let i = 0; i < 8; i++) {
    out.push(`${year}-Q${quarter}`);
    quarter -= 1;
    if (quarter === 0) {
      quarter = 4;
      year -= 1;
    }
  }
  return out;
}

/** Public complaint statistics of a quarter, by institution, product type or issue, with small groups withheld. */
export function ComplaintStatisticsPage() {
  const { t, i18n } = useTranslation();
  const name = useLocalName();
  const language = i18n.language;
  const quarters = useMemo(recentQuarters, []);
  const [quarter, setQuarter] = useState(quarters[0]!);
  const [by, setBy] = useState<Dimension>('institution');
  const wide = Grid.useBreakpoint().md !== false;
  const stats = useRemote(() => api.get<Statistics>('/v1/public/complaint-statistics', { quarter, by }), `${quarter}/${by}`);
  const rows = stats.data?.rows ?? [];
  const published = rows.filter((row) => !row.suppressed);
  const percent = (value: number | null) => (value === null ? '—' : `${new Intl.NumberFormat(language.startsWith('en') ? 'en-US' : 'zh-CN', { maximumFractionDigits: 1 }).format(value)}%`);
  const columns: TableColumnsType<StatisticsRow> = [
    { title: t('complaints.statistics.name'), key: 'name', render: (_, row) => name(row) },
    {
      title: t('complaints.statistics.complaints'),
      key: 'complaints',
      align: 'right',
      render: (_, row) => (row.suppressed ? <Tag data-testid="suppressed">{t('complaints.statistics.suppressed')}</Tag> : formatCount(row.complaints ?? 0, language)),
    },
    { title: t('complaints.statistics.answered'), key: 'answered', align: 'right', render: (_, row) => (row.answered === null ? '—' : formatCount(row.answered, language)) },
    { title: t('complaints.statistics.onTime'), key: 'onTime', align: 'right', render: (_, row) => percent(row.onTimePercent) },
    {
      title: t('complaints.statistics.outcomes'),
      key: 'outcomes',
      render: (_, row) =>
        row.outcomes ? (
          <Typography.Text type="secondary">
            {t('complaints.statistics.explanation')} {row.outcomes.closedWithExplanation} · {t('complaints.statistics.monetary')} {row.outcomes.monetaryRelief} · {t('complaints.statistics.nonMonetary')} {row.outcomes.nonMonetaryRelief}
          </Typography.Text>
        ) : (
          '—'
        ),
    },
  ];
  const chartRows = [...published].sort((a, b) => (a.complaints ?? 0) - (b.complaints ?? 0)).slice(-12);
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: chartRows.map((row) => name(row)), axisLabel: { width: 140, overflow: 'truncate' } },
      series: [{ name: t('complaints.statistics.complaints'), type: 'bar', data: chartRows.map((row) => row.complaints), barMaxWidth: 22, label: { show: true, position: 'right' }, itemStyle: { color: '#a8071a' } }],
    }),
    [stats.data, language],
  );
  return (
    <PublicPage>
        <PageTitle title={t('complaints.statistics.title')} subtitle={t('complaints.statistics.subtitle')} />
        <Card className="fh-card">
          <Flex wrap gap={12} align="center" className="fh-filters">
            <Select value={quarter} onChange={setQuarter} options={quarters.map((q) => ({ value: q, label: q }))} style={{ minWidth: 120 }} aria-label={t('complaints.statistics.quarter')} data-testid="stats-quarter" />
            <Segmented<Dimension>
              value={by}
              onChange={(value) => setBy(value)}
              options={[
                { value: 'institution', label: t('complaints.statistics.byInstitution') },
                { value: 'product_type', label: t('complaints.statistics.byProductType') },
                { value: 'issue', label: t('complaints.statistics.byIssue') },
              ]}
              data-testid="stats-by"
            />
            {stats.data && <Typography.Text type="secondary">{t('complaints.statistics.total', { total: formatCount(stats.data.totalComplaints, language) })}</Typography.Text>}
          </Flex>
          {stats.error !== undefined && <ErrorState error={stats.error} onRetry={stats.reload} />}
          {chartRows.length > 0 && (
            <div style={{ marginBottom: 16 }}>
              <Typography.Text strong>{t('complaints.statistics.chart')}</Typography.Text>
              <Chart option={option} height={Math.max(160, chartRows.length * 34 + 40)} testId="stats-chart" />
            </div>
          )}
          {!wide ? (
            <List
              data-testid="stats-table"
              loading={stats.loading}
              dataSource={rows}
              locale={{ emptyText: <Empty description={t('complaints.statistics.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
              renderItem={(row) => (
                <List.Item key={row.key}>
                  <div>
                    <Typography.Text strong>{name(row)}</Typography.Text>
                    <br />
                    {row.suppressed ? (
                      <Tag data-testid="suppressed">{t('complaints.statistics.suppressed')}</Tag>
                    ) : (
                      <Typography.Text type="secondary">{t('complaints.statistics.rowFigures', { complaints: formatCount(row.complaints ?? 0, language), answered: formatCount(row.answered ?? 0, language), onTime: percent(row.onTimePercent) })}</Typography.Text>
                    )}
                  </div>
                </List.Item>
              )}
            />
          ) : (
          <Table
            data-testid="stats-table"
            rowKey="key"
            size="middle"
            columns={columns}
            dataSource={rows}
            loading={stats.loading}
            pagination={false}
            scroll={{ x: 'max-content' }}
            locale={{ emptyText: <Empty description={t('complaints.statistics.empty')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
          />
          )}
          {stats.data && <Alert type="info" showIcon style={{ marginTop: 16 }} title={t('complaints.statistics.method', { threshold: stats.data.threshold })} />}
        </Card>
    </PublicPage>
  );
}
