import { Card, Col, DatePicker, Flex, Grid, List, Pagination, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import dayjs from 'dayjs';
import { useRef } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { ErrorState } from '../components/ErrorState.js';
import { formatCount, useDateTime, useLocalName } from '../components/format.js';
import { useRemote, type Remote } from '../components/useRemote.js';
import { useUrlFilters } from '../components/useUrlFilters.js';
import { useRecordTypeName, useStandard, useZhEn } from '../filing/standard.js';
import { alertStatuses, severities, type AlertsReply, type AlertSummary, type RuleSeverity, type ZhEn } from '../types.js';
import { AlertStatusTag, SeverityTag } from './tags.js';

const PAGE_SIZE = 20;

export type AlertScope = 'supervisor' | 'institution';

const filterKeys = ['rule', 'institution', 'severity', 'status', 'period'] as const;
type FilterKey = (typeof filterKeys)[number];

/** The alerts of the list's filters (kept in the address), one page at a time. */
export function useAlertList(scope: AlertScope) {
  const url = useUrlFilters();
  const filters = Object.fromEntries(filterKeys.map((key) => [key, url.get(key)])) as Record<FilterKey, string | undefined>;
  const query = { ...filters, institution: scope === 'supervisor' ? filters.institution : undefined, page: url.page, pageSize: PAGE_SIZE };
  const list = useRemote(() => api.get<AlertsReply>(`/v1/${scope}/alerts`, query), JSON.stringify(query));
  return { url, filters, list };
}

/** Every rule the counts have named so far: the rule filter keeps its options when a filter narrows the counts. */
function useRuleOptions(reply: AlertsReply | undefined): { ruleId: string; title: ZhEn }[] {
  const seen = useRef(new Map<string, ZhEn>());
  for (const rule of reply?.counts.byRule ?? []) seen.current.set(rule.ruleId, rule.title);
  for (const alert of reply?.items ?? []) if (!seen.current.has(alert.ruleId)) seen.current.set(alert.ruleId, alert.title);
  return [...seen.current].map(([ruleId, title]) => ({ ruleId, title })).sort((a, b) => a.ruleId.localeCompare(b.ruleId));
}

interface FiltersProps {
  scope: AlertScope;
  url: ReturnType<typeof useUrlFilters>;
  filters: Record<FilterKey, string | undefined>;
  reply: AlertsReply | undefined;
  /** The supervisor's institutions, for the institution filter. */
  institutions?: { value: string; label: string }[];
}

/** The filters of the alert list: rule, institution (supervisor), severity, status and period. */
export function AlertFilters({ scope, url, filters, reply, institutions = [] }: FiltersProps) {
  const { t } = useTranslation();
  const text = useZhEn();
  const rules = useRuleOptions(reply);
  return (
    <Flex className="fh-filters" gap={12} wrap>
      <Select
        allowClear
        showSearch={{ optionFilterProp: 'label' }}
        placeholder={t('alerts.rule')}
        style={{ width: 300 }}
        value={filters.rule}
        onChange={(value?: string) => url.set('rule', value)}
        options={rules.map((rule) => ({ value: rule.ruleId, label: `${text(rule.title)} (${rule.ruleId})` }))}
        data-testid="filter-rule"
      />
      {scope === 'supervisor' && (
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          placeholder={t('alerts.institution')}
          style={{ width: 260 }}
          value={filters.institution}
          onChange={(value?: string) => url.set('institution', value)}
          options={institutions}
          data-testid="filter-institution"
        />
      )}
      <Select
        allowClear
        placeholder={t('alerts.severity')}
        style={{ width: 130 }}
        value={filters.severity}
        onChange={(value?: string) => url.set('severity', value)}
        options={severities.map((severity) => ({ value: severity, label: t(`severity.${severity}`) }))}
        data-testid="filter-severity"
      />
      <Select
        allowClear
        placeholder={t('alerts.status')}
        style={{ width: 130 }}
        value={filters.status}
        onChange={(value?: string) => url.set('status', value)}
        options={alertStatuses.map((status) => ({ value: status, label: t(`alertStatus.${status}`) }))}
        data-testid="filter-status"
      />
      <DatePicker
        picker="month"
        format="YYYY-MM"
        placeholder={t('alerts.period')}
        value={filters.period ? dayjs(`${filters.period}-01`) : null}
        onChange={(value) => url.set('period', value ? value.format('YYYY-MM') : undefined)}
        data-testid="filter-period"
      />
    </Flex>
  );
}

const severityAccent: Record<RuleSeverity, string> = { high: '#a8071a', medium: '#d48806', low: '#ad8b00' };

/** One card per severity with the count of the list's filters; a click filters the list to it. */
export function SeverityCards({ reply, url }: { reply: AlertsReply | undefined; url: ReturnType<typeof useUrlFilters> }) {
  const { t, i18n } = useTranslation();
  const chosen = url.get('severity');
  return (
    <Row gutter={[16, 16]}>
      {severities.map((severity) => (
        <Col xs={8} key={severity}>
          <Card
            className={`fh-card fh-stat${chosen === severity ? ' fh-stat-accent' : ''}`}
            hoverable
            onClick={() => url.set('severity', chosen === severity ? undefined : severity)}
            data-testid={`count-${severity}`}
          >
            <Statistic
              title={t('alerts.severityCount', { severity: t(`severity.${severity}`) })}
              value={reply ? formatCount(reply.counts.bySeverity[severity] ?? 0, i18n.language) : '—'}
              styles={{ content: { color: severityAccent[severity] } }}
            />
          </Card>
        </Col>
      ))}
    </Row>
  );
}

interface TableProps {
  list: Remote<AlertsReply>;
  /** Where an alert's page lives: `${basePath}/${id}`. */
  basePath: string;
  onPage: (page: number) => void;
  showInstitution?: boolean;
}

/** Alerts as a table, or one card each on a phone, each linking to its page. */
export function AlertTable({ list, basePath, onPage, showInstitution = false }: TableProps) {
  const { t } = useTranslation();
  const name = useLocalName();
  const text = useZhEn();
  const dateTime = useDateTime();
  const screens = Grid.useBreakpoint();
  const { standard } = useStandard();
  const recordTypeName = useRecordTypeName(standard);
  const reply = list.data;
  const pagination = reply && reply.total > reply.pageSize ? { current: reply.page, pageSize: reply.pageSize, total: reply.total } : undefined;

  const titleLink = (alert: AlertSummary) => (
    <Link to={`${basePath}/${alert.id}`} data-testid="alert-link">
      {text(alert.title)}
    </Link>
  );

  if (screens.md === false) {
    return (
      <>
        {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
        <List<AlertSummary>
          className="fh-card-list"
          loading={list.loading}
          dataSource={reply?.items ?? []}
          locale={{ emptyText: t('alerts.none') }}
          rowKey="id"
          renderItem={(alert) => (
            <Card size="small" className="fh-card fh-row-card" data-testid="alert-card" data-alert-id={alert.id}>
              <div>{titleLink(alert)}</div>
              <Space size={6} wrap className="fh-row-card-body">
                <SeverityTag severity={alert.severity} />
                <AlertStatusTag status={alert.status} />
                <span className="fh-mono">{alert.ruleId}</span>
              </Space>
              <div className="fh-secondary-name">
                {showInstitution && <>{name(alert.institution)} · </>}
                {recordTypeName(alert.recordType)} <span className="fh-mono">{alert.recordId}</span> · {alert.period}
              </div>
            </Card>
          )}
        />
        {pagination && <Pagination simple {...pagination} showSizeChanger={false} onChange={onPage} className="fh-card-pagination" />}
      </>
    );
  }

  const columns: TableColumnsType<AlertSummary> = [
    { title: t('alerts.title'), key: 'title', render: (_, alert) => titleLink(alert) },
    ...(showInstitution ? [{ title: t('alerts.institution'), key: 'institution', render: (_: unknown, alert: AlertSummary) => name(alert.institution) }] : []),
    { title: t('alerts.severity'), dataIndex: 'severity', key: 'severity', render: (severity: RuleSeverity) => <SeverityTag severity={severity} /> },
    { title: t('alerts.status'), dataIndex: 'status', key: 'status', render: (status: AlertSummary['status']) => <AlertStatusTag status={status} /> },
    { title: t('alerts.record'), key: 'record', render: (_, alert) => <span>{recordTypeName(alert.recordType)} <span className="fh-mono">{alert.recordId}</span></span> },
    { title: t('alerts.period'), dataIndex: 'period', key: 'period', render: (period: string) => <span className="fh-mono">{period}</span> },
    { title: t('alerts.createdAt'), dataIndex: 'createdAt', key: 'createdAt', render: (value: string) => dateTime(value) },
  ];

  return (
    <>
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      <Table<AlertSummary>
        rowKey="id"
        data-testid="alerts-table"
        columns={columns}
        dataSource={reply?.items ?? []}
        loading={list.loading}
        size="middle"
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('alerts.none') }}
        pagination={pagination ? { ...pagination, showSizeChanger: false, onChange: onPage, showTotal: (total) => t('alerts.total', { count: total }) } : false}
      />
      {reply && !pagination && reply.total > 0 && (
        <Typography.Text type="secondary" data-testid="alerts-total">
          {t('alerts.total', { count: reply.total })}
        </Typography.Text>
      )}
    </>
  );
}
