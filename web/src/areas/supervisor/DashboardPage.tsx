import { Card, Col, Empty, Row, Skeleton, Statistic } from 'antd';
import { BankOutlined, CheckCircleOutlined, ClockCircleOutlined, PauseCircleOutlined, StopOutlined, TeamOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { ReactNode } from 'react';
import { api } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { useLicenceTypeName } from '../../components/InstitutionView.js';
import { PageTitle } from '../../components/PageTitle.js';
import { useLocalName } from '../../components/format.js';
import { useReference } from '../../components/reference.js';
import { useRemote } from '../../components/useRemote.js';
import { licenceStatuses, type SupervisorOverview } from '../../types.js';
import { Chart } from './charts.js';
import { BusinessSection } from './BusinessSection.js';

const statusColours: Record<string, string> = { applied: '#1d39c4', approved: '#389e0d', suspended: '#d48806', revoked: '#a8071a' };

function StatCard({ title, value, icon, testId, accent, suffix }: { title: string; value: number; icon: ReactNode; testId: string; accent?: boolean; suffix?: string }) {
  return (
    <Card className={`fh-card fh-stat${accent ? ' fh-stat-accent' : ''}`} data-testid={testId}>
      <Statistic title={title} value={value} prefix={icon} suffix={suffix} />
    </Card>
  );
}

/** The supervisor's home: counts of their jurisdiction, by region, type and status — all from the API. */
export function DashboardPage() {
  const { t } = useTranslation();
  const name = useLocalName();
  const reference = useReference();
  const typeName = useLicenceTypeName(reference.licenceTypes);
  const overview = useRemote(() => api.get<SupervisorOverview>('/v1/supervisor/overview'), 'overview');
  const data = overview.data;

  if (overview.error !== undefined) return <ErrorState error={overview.error} onRetry={overview.reload} />;
  if (!data) return <Skeleton active paragraph={{ rows: 10 }} />;

  const totalLicences = licenceStatuses.reduce((sum, status) => sum + (data.licencesByStatus[status] ?? 0), 0);
  const typeEntries = Object.entries(data.licencesByType).filter(([, count]) => count > 0);
  const statusEntries = licenceStatuses.map((status) => [status, data.licencesByStatus[status] ?? 0] as const).filter(([, count]) => count > 0);
  const pieBase = { type: 'pie' as const, radius: ['40%', '64%'], center: ['50%', '46%'], avoidLabelOverlap: true, itemStyle: { borderColor: '#fff', borderWidth: 2 }, label: { formatter: '{b}: {c}', overflow: 'break' } };

  return (
    <div>
      <PageTitle title={t('dashboard.title', { jurisdiction: name(data.jurisdiction) })} subtitle={t('dashboard.subtitle')} />
      <Row gutter={[16, 16]}>
        <Col xs={12} md={8} xl={4}>
          <StatCard testId="stat-institutions" title={t('dashboard.institutions')} value={data.institutions} icon={<BankOutlined />} accent />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <StatCard testId="stat-approved" title={t('dashboard.approved')} value={data.licencesByStatus.approved ?? 0} icon={<CheckCircleOutlined />} />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <StatCard testId="stat-applied" title={t('dashboard.applied')} value={data.licencesByStatus.applied ?? 0} icon={<ClockCircleOutlined />} />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <StatCard testId="stat-suspended" title={t('dashboard.suspended')} value={data.licencesByStatus.suspended ?? 0} icon={<PauseCircleOutlined />} />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <StatCard testId="stat-revoked" title={t('dashboard.revoked')} value={data.licencesByStatus.revoked ?? 0} icon={<StopOutlined />} />
        </Col>
        <Col xs={12} md={8} xl={4}>
          <StatCard testId="stat-consumers" title={t('dashboard.consumers')} value={data.consumers} icon={<TeamOutlined />} />
        </Col>
      </Row>
      <BusinessSection business={data.business} />

      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24}>
          <Card className="fh-card" title={t('dashboard.byRegion')}>
            {data.byRegion.length === 0 ? (
              <Empty description={t('dashboard.noData')} />
            ) : (
              <Chart
                testId="chart-region"
                option={{
                  tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
                  legend: { bottom: 0 },
                  grid: { left: 8, right: 16, top: 24, bottom: 48, containLabel: true },
                  xAxis: { type: 'category', data: data.byRegion.map((region) => name(region)), axisLabel: { interval: 0, rotate: data.byRegion.length > 6 ? 30 : 0 } },
                  yAxis: { type: 'value', minInterval: 1 },
                  series: [
                    { name: t('dashboard.institutions'), type: 'bar', data: data.byRegion.map((region) => region.institutions), barMaxWidth: 28 },
                    { name: t('dashboard.approved'), type: 'bar', data: data.byRegion.map((region) => region.approvedLicences), barMaxWidth: 28 },
                  ],
                }}
              />
            )}
          </Card>
        </Col>
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} lg={12}>
          <Card className="fh-card" title={t('dashboard.byType')}>
            {typeEntries.length === 0 ? (
              <Empty description={t('dashboard.noData')} />
            ) : (
              <Chart
                testId="chart-type"
                option={{
                  tooltip: { trigger: 'item' },
                  legend: { bottom: 0 },
                  series: [{ ...pieBase, name: t('dashboard.byType'), data: typeEntries.map(([type, count]) => ({ name: typeName(type), value: count })) }],
                }}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card className="fh-card" title={t('dashboard.byStatus', { count: totalLicences })}>
            {statusEntries.length === 0 ? (
              <Empty description={t('dashboard.noData')} />
            ) : (
              <Chart
                testId="chart-status"
                option={{
                  tooltip: { trigger: 'item' },
                  legend: { bottom: 0 },
                  series: [
                    {
                      ...pieBase,
                      name: t('dashboard.byStatus', { count: totalLicences }),
                      data: statusEntries.map(([status, count]) => ({ name: t(`status.${status}`), value: count, itemStyle: { color: statusColours[status] } })),
                    },
                  ],
                }}
              />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
