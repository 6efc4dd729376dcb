import { Card, Col, DatePicker, Empty, Flex, Grid, List, Row, Select, Skeleton, Table, Tooltip, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.js';
import { chinaToday } from '../../credit/types.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { formatCount, formatRate, useLocalName } from '../../components/format.js';
import { useRemote } from '../../components/useRemote.js';
import { useZhEn } from '../../filing/standard.js';
import { decisionChartColours, DecisionTag } from '../../screening/tags.js';
import type { ScreeningStats } from '../../screening/types.js';
import { useSession } from '../../session.js';
import { Chart } from './charts.js';

type RuleStats = ScreeningStats['rules'][number];
const DECISIONS = ['allow', 'confirm', 'review', 'block'] as const;

/** A rule by its title in the reader's language, its id below for reference. */
function RuleName({ rule }: { rule: RuleStats }) {
  const text = useZhEn();
  return (
    <Flex vertical>
      <span>{text(rule.title)}</span>
      <Typography.Text type="secondary" className="fh-mono" style={{ fontSize: 12 }}>
        {rule.ruleId}
      </Typography.Text>
    </Flex>
  );
}

/** How the payments a rule fired on were decided, as tags with counts. */
function DecisionMix({ rule }: { rule: RuleStats }) {
  return (
    <Flex gap={4} wrap>
      {DECISIONS.filter((decision) => rule.decisions[decision] > 0).map((decision) => (
        <span key={decision}>
          <DecisionTag decision={decision} /> {rule.decisions[decision]}
        </span>
      ))}
    </Flex>
  );
}

/** Every day from `from` to `to`, inclusive, as YYYY-MM-DD. */
function daysBetween(from: Dayjs, to: Dayjs): string[] {
  const days: string[] = [];
  for (let day = from.startOf('day'); !day.isAfter(to, 'day') && days.length < 367; day = day.add(1, 'day')) days.push(day.format('YYYY-MM-DD'));
  return days;
}

/**
 * Real-time screening in the supervisor's jurisdiction: payments screened each day by decision,
 * each rule's hits, decision mix and precision, and one rule's precision over time.
 */
export function ScreeningPage() {
  const { t, i18n } = useTranslation();
  const text = useZhEn();
  const name = useLocalName();
  const { principal } = useSession();
  const screens = Grid.useBreakpoint();
  // Days are China-time days, as the server counts them, wherever the browser is.
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs(chinaToday()).subtract(29, 'day'), dayjs(chinaToday())]);
  const [picked, setPicked] = useState<string>();
  const query = { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') };
  const stats = useRemote(() => api.get<ScreeningStats>('/v1/supervisor/screening/stats', query), JSON.stringify(query));
  const data = stats.data;
  const days = useMemo(() => daysBetween(range[0], range[1]), [range]);
  const rules = data?.rules ?? [];
  // The rule shown over time: the one picked, or the busiest with reported outcomes.
  const rule = rules.find((r) => r.ruleId === picked) ?? rules.find((r) => r.precision !== null) ?? rules[0];
  const percent = (value: number | null) => formatRate(value, i18n.language, 1);
  const label = (day: string) => day.slice(5);

  const daily = useMemo(() => {
    const byDay = new Map((data?.days ?? []).map((d) => [d.day, d]));
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: days.map(label) },
      yAxis: { type: 'value', minInterval: 1 },
      series: DECISIONS.map((decision) => ({
        name: t(`screening.decision.${decision}`),
        type: 'bar',
        stack: 'total',
        barMaxWidth: 24,
        itemStyle: { color: decisionChartColours[decision] },
        data: days.map((day) => byDay.get(day)?.[decision] ?? 0),
      })),
    };
  }, [data, days, t]);

  const trend = useMemo(() => {
    if (!rule) return undefined;
    const byDay = new Map(rule.days.map((d) => [d.day, d]));
    return {
      tooltip: {
        trigger: 'axis',
        valueFormatter: (value: unknown) => (typeof value === 'number' ? `${value.toFixed(1)}%` : '—'),
      },
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: days.map(label) },
      yAxis: { type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } },
      series: [
        {
          name: t('screening.stats.precision'),
          type: 'line',
          connectNulls: true,
          symbol: 'circle',
          symbolSize: 8,
          showAllSymbol: true,
          clip: false,
          data: days.map((day) => {
            const precision = byDay.get(day)?.precision;
            return precision === null || precision === undefined ? null : Math.round(precision * 1000) / 10;
          }),
        },
      ],
    };
  }, [rule, days, t]);

  const columns: TableColumnsType<RuleStats> = [
    {
      title: t('screening.stats.rule'),
      key: 'rule',
      render: (_, row) => <RuleName rule={row} />,
    },
    { title: t('screening.stats.hits'), dataIndex: 'hits', align: 'right', render: (value: number) => formatCount(value, i18n.language) },
    {
      title: t('screening.stats.mix'),
      key: 'mix',
      render: (_, row) => <DecisionMix rule={row} />,
    },
    { title: t('screening.stats.confirmedFraud'), dataIndex: 'confirmedFraud', align: 'right' },
    { title: t('screening.stats.falsePositive'), dataIndex: 'falsePositive', align: 'right' },
    {
      title: (
        <Tooltip title={t('screening.stats.precisionHelp')}>
          <span>
            {t('screening.stats.precision')} <QuestionCircleOutlined />
          </span>
        </Tooltip>
      ),
      dataIndex: 'precision',
      align: 'right',
      render: (value: number | null) => <span data-testid="rule-precision">{percent(value)}</span>,
    },
  ];

  return (
    <>
      <PageTitle
        title={t('menu.screening')}
        subtitle={principal?.role === 'supervisor' ? `${t('supervisor.scope', { jurisdiction: name(principal.jurisdiction) })} · ${t('screening.stats.subtitle')}` : t('screening.stats.subtitle')}
        extra={
          <div data-testid="stats-range">
            <DatePicker.RangePicker
              allowClear={false}
              value={range}
              aria-label={t('screening.stats.range')}
              onChange={(value) => {
                if (value?.[0] && value[1]) setRange([value[0], value[1]]);
              }}
              disabledDate={(day) => day.isAfter(dayjs(chinaToday()), 'day')}
              style={{ maxWidth: '100%' }}
            />
          </div>
        }
      />
      {stats.error !== undefined && <ErrorState error={stats.error} onRetry={stats.reload} />}
      {!data && stats.loading && <Skeleton active />}
      {data && data.days.length === 0 && (
        <Card className="fh-card">
          <Empty description={t('screening.stats.none')} data-testid="stats-empty" />
        </Card>
      )}
      {data && data.days.length > 0 && (
        <Row gutter={[16, 16]}>
          <Col xs={24}>
            <Card className="fh-card" title={t('screening.stats.daily')}>
              <Chart testId="chart-screening-daily" option={daily} height={screens.md === false ? 240 : 300} />
            </Card>
          </Col>
          <Col xs={24}>
            <Card className="fh-card" title={t('screening.stats.rules')}>
              {screens.md === false ? (
                <List<RuleStats>
                  data-testid="rules-table"
                  dataSource={rules}
                  renderItem={(row) => (
                    <List.Item key={row.ruleId} data-rule-id={row.ruleId} onClick={() => setPicked(row.ruleId)} style={{ cursor: 'pointer', display: 'block' }}>
                      <RuleName rule={row} />
                      <Flex wrap gap={12} style={{ marginTop: 6 }}>
                        <span>
                          {t('screening.stats.hits')} {formatCount(row.hits, i18n.language)}
                        </span>
                        <span>
                          {t('screening.stats.precision')} <span data-testid="rule-precision">{percent(row.precision)}</span>
                        </span>
                      </Flex>
                      <div style={{ marginTop: 6 }}>
                        <DecisionMix rule={row} />
                      </div>
                    </List.Item>
                  )}
                />
              ) : (
                <Table<RuleStats>
                  rowKey="ruleId"
                  size="small"
                  data-testid="rules-table"
                  columns={columns}
                  dataSource={rules}
                  pagination={false}
                  scroll={{ x: 'max-content' }}
                  onRow={(row) => ({ onClick: () => setPicked(row.ruleId), style: { cursor: 'pointer' } })}
                  locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('screening.stats.none')} /> }}
                />
              )}
            </Card>
          </Col>
          <Col xs={24}>
            <Card className="fh-card" title={t('screening.stats.precisionTrend')}>
              {rule ? (
                <>
                  <Select
                    style={{ width: 420, maxWidth: '100%', marginBottom: 12 }}
                    value={rule.ruleId}
                    aria-label={t('screening.stats.pickRule')}
                    onChange={setPicked}
                    options={rules.map((r) => ({ value: r.ruleId, label: text(r.title) }))}
                    data-testid="pick-rule"
                  />
                  {rule.precision === null ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('screening.stats.noOutcomes')} data-testid="trend-empty" /> : trend && <Chart testId="chart-screening-precision" option={trend} height={240} />}
                </>
              ) : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('screening.stats.none')} />
              )}
            </Card>
          </Col>
        </Row>
      )}
    </>
  );
}
