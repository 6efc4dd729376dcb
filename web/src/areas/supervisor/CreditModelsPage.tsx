import { useMemo, useState } from 'react';
import { Alert, Card, Col, Descriptions, Empty, Flex, Grid, List, Row, Skeleton, Statistic, Table, Tag, Tooltip, Typography, type TableColumnsType } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { EChartsCoreOption } from 'echarts/core';
import { api } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { formatCount, formatDateTime } from '../../components/format.js';
import { useRemote } from '../../components/useRemote.js';
import type { ModelSummary, PointsTable } from '../../../../src/credit/credit.service.js';
import { Chart } from './charts.js';

interface Metrics {
  n?: number;
  bads?: number;
  auc?: number;
  ks?: number;
  brier?: number;
  calibration?: { count: number; meanPd: number; badRate: number }[];
}

type Feature = PointsTable['features'][number];
type Bin = Feature['bins'][number];

/** One row of the points table: an attribute's range and its points (the attribute named on its first range only). */
interface PointsRow {
  key: string;
  feature: Feature;
  bin: Bin;
  first: boolean;
  span: number;
}

const metricsOf = (model: ModelSummary) => model.metrics as Metrics;
const percent = (value: number | undefined, digits = 1) => (value === undefined ? '—' : `${(value * 100).toFixed(digits)}%`);
const figure = (value: number | undefined, digits = 3) => (value === undefined ? '—' : value.toFixed(digits));

/** A bound of a numeric range, in the reader's language (thousands grouped, at most two decimals). */
function bound(value: number, language: string): string {
  return new Intl.NumberFormat(language.startsWith('en') ? 'en-GB' : 'zh-CN', { maximumFractionDigits: 2 }).format(value);
}

function HelpTitle({ title, help }: { title: string; help: string }) {
  return (
    <Tooltip title={help}>
      <span>
        {title} <QuestionCircleOutlined />
      </span>
    </Tooltip>
  );
}

/**
 * The credit scorecard versions for the supervisor: each version's sample, its cross-validated
 * AUC, KS and calibration, which one is in force, and its points table written for a person.
 */
export function CreditModelsPage() {
  const { t, i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  const screens = Grid.useBreakpoint();
  const phone = screens.md === false;
  const list = useRemote(() => api.get<{ items: ModelSummary[] }>('/v1/supervisor/credit/models'), 'models');
  const items = list.data?.items;
  const [picked, setPicked] = useState<number>();
  const model = items?.find((m) => m.version === picked) ?? items?.find((m) => m.inForce) ?? items?.[0];
  const label = (text: { zh: string; en: string }) => (english ? text.en : text.zh);

  const binText = (feature: Feature, bin: Bin): string => {
    if (bin.fallback) return t('creditModels.missing');
    const number = (value: number) => bound(value, i18n.language);
    // 99 months since the last late payment stands for "never late" (see the attributes): not a bound a person reads.
    const sentinel = feature.name === 'months_since_delinquency';
    if (sentinel && bin.lower !== null && bin.lower >= 99) return t('creditModels.never');
    const lower = bin.lower;
    const upper = sentinel && bin.upper !== null && bin.upper >= 99 ? null : bin.upper;
    // The unit after the last number: "1 month or less", "3 to 5 months", "2 个月及以上".
    // Chinese keeps a space between a number and the words after it, with or without a unit.
    const unit = (last: number) => {
      if (english) return feature.unit ? ` ${last === 1 ? feature.unit.en.replace(/s$/, '') : feature.unit.en}` : '';
      return feature.unit ? ` ${feature.unit.zh}` : ' ';
    };
    if (lower === null && upper === null) return '—';
    // Every attribute counts whole things (accounts, months, yuan): [2, 3) is 2, [3, 6) is 3 to 5.
    const whole = (lower === null || Number.isInteger(lower)) && (upper === null || Number.isInteger(upper));
    if (lower === null) {
      if (!whole) return t('creditModels.below', { upper: number(upper!), unit: unit(upper!) });
      return upper! <= 1 ? t('creditModels.value', { value: number(0), unit: unit(0) }) : t('creditModels.atMost', { max: number(upper! - 1), unit: unit(upper! - 1) });
    }
    if (upper === null) return t('creditModels.from', { lower: number(lower), unit: unit(lower) });
    if (!whole) return t('creditModels.between', { lower: number(lower), upper: number(upper), unit: unit(upper) });
    return upper - lower === 1 ? t('creditModels.value', { value: number(lower), unit: unit(lower) }) : t('creditModels.range', { min: number(lower), max: number(upper - 1), unit: unit(upper - 1) });
  };

  const calibration = useMemo<EChartsCoreOption | undefined>(() => {
    const bins = model ? metricsOf(model).calibration : undefined;
    if (!bins || bins.length === 0) return undefined;
    return {
      // Drawn at once: the page is read, not watched, and a screenshot shows the finished chart.
      animation: false,
      tooltip: {
        trigger: 'axis',
        valueFormatter: (value: unknown) => (typeof value === 'number' ? `${value.toFixed(1)}%` : '—'),
      },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 28, containLabel: true },
      xAxis: { type: 'category', data: bins.map((_, i) => String(i + 1)), name: t('creditModels.groups'), nameLocation: 'middle', nameGap: 26 },
      yAxis: { type: 'value', min: 0, axisLabel: { formatter: '{value}%' } },
      series: [
        { name: t('creditModels.observed'), type: 'bar', data: bins.map((b) => Math.round(b.badRate * 1000) / 10) },
        { name: t('creditModels.predicted'), type: 'line', symbol: 'circle', symbolSize: 8, data: bins.map((b) => Math.round(b.meanPd * 1000) / 10) },
      ],
    };
  }, [model, t]);

  const versionColumns: TableColumnsType<ModelSummary> = [
    { title: t('creditModels.version'), dataIndex: 'version', render: (version: number) => t('creditModels.versionN', { version }) },
    { title: t('creditModels.trainedAt'), dataIndex: 'trainedAt', render: (value: string) => formatDateTime(value) },
    { title: t('creditModels.snapshot'), dataIndex: 'snapshot' },
    { title: t('creditModels.people'), dataIndex: 'rows', align: 'right', render: (value: number) => formatCount(value, i18n.language) },
    { title: t('creditModels.bads'), dataIndex: 'bads', align: 'right', render: (value: number) => formatCount(value, i18n.language) },
    { title: t('creditModels.auc'), key: 'auc', align: 'right', render: (_, row) => figure(metricsOf(row).auc) },
    { title: t('creditModels.ks'), key: 'ks', align: 'right', render: (_, row) => figure(metricsOf(row).ks) },
    { title: '', key: 'state', render: (_, row) => <ModelTag inForce={row.inForce} /> },
  ];

  const pointsRows = (table: PointsTable): PointsRow[] =>
    table.features.flatMap((feature) => feature.bins.map((bin, k) => ({ key: `${feature.name}-${k}`, feature, bin, first: k === 0, span: feature.bins.length })));

  const pointsColumns: TableColumnsType<PointsRow> = [
    {
      title: t('creditModels.attribute'),
      key: 'attribute',
      onCell: (row) => ({ rowSpan: row.first ? row.span : 0 }),
      render: (_, row) => (
        <>
          <div>{label(row.feature.label)}</div>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('creditModels.iv', { iv: row.feature.iv.toFixed(2) })}
          </Typography.Text>
        </>
      ),
    },
    { title: t('creditModels.bin'), key: 'bin', render: (_, row) => binText(row.feature, row.bin) },
    { title: t('creditModels.binPeople'), key: 'people', align: 'right', render: (_, row) => `${formatCount(row.bin.goods + row.bin.bads, i18n.language)} (${formatCount(row.bin.bads, i18n.language)})` },
    { title: t('creditModels.score'), key: 'points', align: 'right', render: (_, row) => <strong data-testid="bin-points">{row.bin.points}</strong> },
  ];

  const metrics = model ? metricsOf(model) : undefined;
  return (
    <>
      <PageTitle title={t('creditModels.title')} subtitle={t('creditModels.subtitle')} />
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {!items && list.loading && <Skeleton active />}
      {items && items.length === 0 && (
        <Card className="fh-card">
          <Empty description={t('creditModels.none')} data-testid="models-empty" />
        </Card>
      )}
      {items && model && metrics && (
        <Row gutter={[16, 16]} data-testid="credit-models">
          <Col xs={24}>
            <Card className="fh-card" title={t('creditModels.versions')}>
              {phone ? (
                <List<ModelSummary>
                  data-testid="model-versions"
                  dataSource={items}
                  renderItem={(row) => (
                    <List.Item key={row.version} data-version={row.version} data-in-force={row.inForce} onClick={() => setPicked(row.version)} style={{ cursor: 'pointer', display: 'block' }}>
                      <Flex justify="space-between" align="center" gap={8}>
                        <strong>{t('creditModels.versionN', { version: row.version })}</strong>
                        <ModelTag inForce={row.inForce} />
                      </Flex>
                      <Flex wrap gap={12} style={{ marginTop: 6 }}>
                        <span>{formatDateTime(row.trainedAt)}</span>
                        <span>
                          {t('creditModels.auc')} {figure(metricsOf(row).auc)}
                        </span>
                        <span>
                          {t('creditModels.ks')} {figure(metricsOf(row).ks)}
                        </span>
                      </Flex>
                    </List.Item>
                  )}
                />
              ) : (
                <Table<ModelSummary>
                  rowKey="version"
                  size="small"
                  data-testid="model-versions"
                  columns={versionColumns}
                  dataSource={items}
                  pagination={false}
                  scroll={{ x: 'max-content' }}
                  rowClassName={(row) => (row.version === model.version ? 'ant-table-row-selected' : '')}
                  onRow={(row) => ({ onClick: () => setPicked(row.version), style: { cursor: 'pointer' }, 'data-version': row.version, 'data-in-force': row.inForce }) as React.HTMLAttributes<HTMLElement>}
                />
              )}
            </Card>
          </Col>
          <Col xs={24}>
            <Card className="fh-card" title={t('creditModels.detail', { version: model.version })} extra={<ModelTag inForce={model.inForce} />} data-testid="model-detail" data-version={model.version}>
              <Typography.Paragraph type="secondary">
                {t('creditModels.sample', { snapshot: model.snapshot, horizon: model.horizonMonths })} {t('creditModels.validation')}
              </Typography.Paragraph>
              <Row gutter={[16, 16]}>
                <Col xs={12} md={6}>
                  <Statistic title={<HelpTitle title={t('creditModels.auc')} help={t('creditModels.aucHelp')} />} value={figure(metrics.auc)} valueRender={(node) => <span data-testid="model-auc">{node}</span>} />
                </Col>
                <Col xs={12} md={6}>
                  <Statistic title={<HelpTitle title={t('creditModels.ks')} help={t('creditModels.ksHelp')} />} value={figure(metrics.ks)} />
                </Col>
                <Col xs={12} md={6}>
                  <Statistic title={<HelpTitle title={t('creditModels.brier')} help={t('creditModels.brierHelp')} />} value={figure(metrics.brier, 4)} />
                </Col>
                <Col xs={12} md={6}>
                  <Statistic title={t('creditModels.badRate')} value={percent(model.rows > 0 ? model.bads / model.rows : undefined)} />
                </Col>
              </Row>
              <Descriptions size="small" column={{ xs: 1, md: 3 }} style={{ marginTop: 16 }}>
                <Descriptions.Item label={t('creditModels.trainedAt')}>{formatDateTime(model.trainedAt)}</Descriptions.Item>
                <Descriptions.Item label={t('creditModels.people')}>{formatCount(model.rows, i18n.language)}</Descriptions.Item>
                <Descriptions.Item label={t('creditModels.bads')}>{formatCount(model.bads, i18n.language)}</Descriptions.Item>
              </Descriptions>
            </Card>
          </Col>
          {calibration && (
            <Col xs={24}>
              <Card className="fh-card" title={t('creditModels.calibration')}>
                <Typography.Paragraph type="secondary">{t('creditModels.calibrationHelp')}</Typography.Paragraph>
                <Chart testId="chart-calibration" option={calibration} height={phone ? 240 : 300} />
              </Card>
            </Col>
          )}
          <Col xs={24}>
            <Card className="fh-card" title={t('creditModels.points')} extra={<span data-testid="score-range">{t('creditModels.scoreRange', model.scorecard.scoreRange)}</span>}>
              <Typography.Paragraph type="secondary">{t('creditModels.pointsHelp', model.scorecard.scaling)}</Typography.Paragraph>
              {phone ? (
                <div data-testid="points-table">
                  {model.scorecard.features.map((feature) => (
                    <div key={feature.name} className="fh-points-feature" style={{ marginBottom: 12 }}>
                      <Typography.Text strong>{label(feature.label)}</Typography.Text>
                      <Table<Bin>
                        rowKey={(bin) => `${bin.lower}-${bin.upper}-${bin.fallback}`}
                        size="small"
                        showHeader={false}
                        pagination={false}
                        dataSource={feature.bins}
                        columns={[
                          { key: 'bin', render: (_, bin) => binText(feature, bin) },
                          { key: 'points', align: 'right', width: 64, render: (_, bin) => <strong data-testid="bin-points">{bin.points}</strong> },
                        ]}
                      />
                    </div>
                  ))}
                </div>
              ) : (
                <Table<PointsRow> rowKey="key" size="small" bordered data-testid="points-table" columns={pointsColumns} dataSource={pointsRows(model.scorecard)} pagination={false} scroll={{ x: 'max-content' }} />
              )}
              {model.scorecard.excluded.length > 0 && (
                <Alert
                  style={{ marginTop: 16 }}
                  type="info"
                  showIcon
                  message={t('creditModels.excluded')}
                  description={
                    <ul style={{ margin: 0, paddingInlineStart: 18 }} data-testid="excluded">
                      {model.scorecard.excluded.map((e) => (
                        <li key={e.name}>
                          {label(e.label)}: {t(`creditModels.reason.${e.reason}`)}
                        </li>
                      ))}
                    </ul>
                  }
                />
              )}
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}

function ModelTag({ inForce }: { inForce: boolean }) {
  const { t } = useTranslation();
  return inForce ? <Tag color="green">{t('creditModels.inForce')}</Tag> : <Tag>{t('creditModels.retired')}</Tag>;
}
