import { Card, Col, Empty, Grid, Row } from 'antd';
import { useTranslation } from 'react-i18next';
import { PageTitle } from '../../components/PageTitle.js';
import { useLocalName } from '../../components/format.js';
import { useZhEn } from '../../filing/standard.js';
import { AlertFilters, AlertTable, SeverityCards, useAlertList } from '../../rulebook/AlertList.js';
import { useSession } from '../../session.js';
import { Chart } from './charts.js';
import { useInstitutionNames } from './institutionNames.js';

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The supervisor's alert queue: filters in the address, counts by severity and by rule, the alerts. */
export function AlertsPage() {
  const { t } = useTranslation();
  const name = useLocalName();
  const text = useZhEn();
  const { principal } = useSession();
  const screens = Grid.useBreakpoint();
  const { institutions } = useInstitutionNames();
  const { url, filters, list } = useAlertList('supervisor');
  const reply = list.data;
  // The busiest rules at the top of the chart (ECharts draws a category axis from the bottom).
  const byRule = [...(reply?.counts.byRule ?? [])].sort((a, b) => a.count - b.count).slice(-10);

  return (
    <>
      <PageTitle title={t('menu.alerts')} subtitle={principal?.role === 'supervisor' ? `${t('supervisor.scope', { jurisdiction: name(principal.jurisdiction) })} · ${t('alerts.subtitle')}` : t('alerts.subtitle')} />
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        <Col xs={24} xl={10}>
          <Card className="fh-card" title={t('alerts.bySeverity')}>
            <SeverityCards reply={reply} url={url} />
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card className="fh-card" title={t('alerts.byRule', { count: reply?.counts.byRule.length ?? 0 })}>
            {byRule.length === 0 ? (
              <Empty description={t('alerts.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <Chart
                testId="chart-alerts-by-rule"
                height={Math.max(160, byRule.length * 30 + 40)}
                option={{
                  tooltip: {
                    trigger: 'axis',
                    axisPointer: { type: 'shadow' },
                    // The rule's title in the reader's language; the axis carries only its id.
                    formatter: (params: unknown) => {
                      const index = (params as { dataIndex: number }[])[0]?.dataIndex ?? -1;
                      const rule = byRule[index];
                      return rule ? `${escapeHtml(text(rule.title))}<br/>${escapeHtml(rule.ruleId)}: <b>${rule.count}</b>` : '';
                    },
                  },
                  grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
                  xAxis: { type: 'value', minInterval: 1 },
                  yAxis: { type: 'category', data: byRule.map((rule) => rule.ruleId), axisLabel: { fontFamily: 'monospace', ...(screens.sm === false ? { width: 110, overflow: 'truncate' } : {}) } },
                  series: [
                    {
                      name: t('alerts.byRuleAxis'),
                      type: 'bar',
                      barMaxWidth: 18,
                      data: byRule.map((rule) => ({ value: rule.count, name: text(rule.title) })),
                      label: { show: true, position: 'right' },
                    },
                  ],
                }}
              />
            )}
          </Card>
        </Col>
      </Row>
      <Card className="fh-card">
        <AlertFilters scope="supervisor" url={url} filters={filters} reply={reply} institutions={institutions.map((institution) => ({ value: institution.institutionId, label: name(institution) }))} />
        <AlertTable list={list} basePath="/supervisor/alerts" onPage={url.setPage} showInstitution />
      </Card>
    </>
  );
}
